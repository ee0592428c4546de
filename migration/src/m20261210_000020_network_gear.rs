//! Network gear: switches and routers reached over SNMPv3 (a USM user; pass phrases are
//! write-only like communities), a role (a router's address table lists routed subnets),
//! what the last poll learned of the device itself (its LLDP chassis id and name, its VLANs)
//! and its LLDP/CDP neighbours as links; each asset's VLAN.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SWITCH_COLUMNS: [&str; 12] = [
    "role",
    "snmp_user",
    "snmp_auth",
    "snmp_auth_pass",
    "snmp_priv",
    "snmp_priv_pass",
    "snmp_context",
    "chassis_id",
    "sys_name",
    "vlans",
    "routed_count",
    "poll_error",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            string_len("role", 16).default("switch").to_owned(),
            string_len("snmp_user", 64).default("").to_owned(),
            string_len("snmp_auth", 16).default("").to_owned(),
            string_len("snmp_auth_pass", 255).default("").to_owned(),
            string_len("snmp_priv", 16).default("").to_owned(),
            string_len("snmp_priv_pass", 255).default("").to_owned(),
            string_len("snmp_context", 64).default("").to_owned(),
            string_len_null("chassis_id", 128),
            string_len_null("sys_name", 255),
            // VLAN id → name as JSON, from the last poll.
            text("vlans").default("{}").to_owned(),
            integer("routed_count").default(0).to_owned(),
            string_len_null("poll_error", 512),
        ];
        for mut col in columns {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("switches"))
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table("switch_links")
                .col(pk_uuid("id"))
                .col(uuid("switch_id"))
                .col(uuid("site_id"))
                .col(string_len("protocol", 8))
                .col(string_len("local_port", 128))
                .col(integer_null("local_port_index"))
                .col(string_len("chassis_id", 128))
                .col(string_len("port_id", 128))
                .col(string_len_null("port_descr", 255))
                .col(string_len_null("sys_name", 255))
                .col(string_len_null("description", 512))
                .col(string_len("capabilities", 128))
                .col(string_len_null("mgmt_address", 64))
                .col(timestamp_with_time_zone("seen_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_switch_links_switch_id")
                        .from(Alias::new("switch_links"), Alias::new("switch_id"))
                        .to(Alias::new("switches"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_switch_links_site")
                .table(Alias::new("switch_links"))
                .col(Alias::new("site_id"))
                .col(Alias::new("switch_id"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("assets"))
                .add_column(integer_null("vlan"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_assets_site_vlan")
                .table(Alias::new("assets"))
                .col(Alias::new("site_id"))
                .col(Alias::new("vlan"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_assets_site_vlan")
                .table(Alias::new("assets"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("assets"))
                .drop_column(Alias::new("vlan"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Alias::new("switch_links")).to_owned())
            .await?;
        for col in SWITCH_COLUMNS.iter().rev() {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("switches"))
                    .drop_column(Alias::new(*col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
