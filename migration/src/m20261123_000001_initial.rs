//! The first schema: inventory (sites, scans, assets, snapshots, changes), registries
//! (subnets, switches, certificates), the agent fleet, shield results, users and sessions.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// All or nothing on SQLite too: a first start killed half-way must not leave tables
    /// that make every later start fail with "table already exists".
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            m.create_table(table).await?;
        }
        for index in indexes() {
            m.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "sessions",
            "shield_findings",
            "shield_scans",
            "enrollment_tokens",
            "certificates",
            "asset_changes",
            "scan_assets",
            "scans",
            "assets",
            "agents",
            "switches",
            "subnets",
            "users",
            "sites",
        ] {
            m.drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}

fn fk(
    from_table: &str,
    from_col: &str,
    to_table: &str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_col}"))
        .from(Alias::new(from_table), Alias::new(from_col))
        .to(Alias::new(to_table), Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

fn tables() -> Vec<TableCreateStatement> {
    use ForeignKeyAction::{Cascade, SetNull};
    vec![
        Table::create()
            .table("sites")
            .col(pk_uuid("id"))
            .col(string_len_uniq("name", 64))
            .col(timestamp_with_time_zone("created_at"))
            .to_owned(),
        Table::create()
            .table("users")
            .col(pk_uuid("id"))
            .col(string_len_uniq("username", 64))
            .col(string("password_hash"))
            .col(string_len("role", 16))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .col(timestamp_with_time_zone_null("last_login_at"))
            .to_owned(),
        Table::create()
            .table("agents")
            .col(pk_uuid("id"))
            .col(uuid("site_id"))
            .col(string_len("name", 128))
            .col(string_len_uniq("token_id", 32))
            .col(string("token_hash"))
            .col(string_len("status", 16))
            .col(string_len_null("version", 64))
            .col(json_binary("subnets"))
            .col(integer("queue_depth").default(0))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("last_seen_at"))
            .col(timestamp_with_time_zone_null("last_scan_at"))
            .col(timestamp_with_time_zone_null("revoked_at"))
            .foreign_key(&mut fk("agents", "site_id", "sites", Cascade))
            .to_owned(),
        Table::create()
            .table("enrollment_tokens")
            .col(pk_uuid("id"))
            .col(uuid("site_id"))
            .col(string_len_uniq("token_id", 32))
            .col(string("token_hash"))
            .col(uuid_null("created_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("expires_at"))
            .col(timestamp_with_time_zone_null("used_at"))
            .col(uuid_null("agent_id"))
            .foreign_key(&mut fk("enrollment_tokens", "site_id", "sites", Cascade))
            .foreign_key(&mut fk("enrollment_tokens", "created_by", "users", SetNull))
            .foreign_key(&mut fk("enrollment_tokens", "agent_id", "agents", SetNull))
            .to_owned(),
        Table::create()
            .table("subnets")
            .col(pk_uuid("id"))
            .col(uuid("site_id"))
            .col(string_len("cidr", 64))
            .col(string_len("label", 128).default(""))
            .col(integer_null("vlan_id"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("last_scanned_at"))
            .col(integer("asset_count").default(0))
            .foreign_key(&mut fk("subnets", "site_id", "sites", Cascade))
            .to_owned(),
        Table::create()
            .table("switches")
            .col(pk_uuid("id"))
            .col(uuid("site_id"))
            .col(string_len("host", 255))
            .col(string_len("community", 255))
            .col(string_len("snmp_version", 8))
            .col(string_len("label", 128).default(""))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("last_polled_at"))
            .col(integer("mac_count").default(0))
            .foreign_key(&mut fk("switches", "site_id", "sites", Cascade))
            .to_owned(),
        Table::create()
            .table("scans")
            .col(pk_uuid("id"))
            .col(uuid_uniq("report_id"))
            .col(uuid("site_id"))
            .col(uuid_null("agent_id"))
            .col(string_len("target", 1024))
            .col(json_binary("networks"))
            .col(string_len("method", 16))
            .col(timestamp_with_time_zone("started_at"))
            .col(timestamp_with_time_zone_null("completed_at"))
            .col(boolean("partial"))
            .col(text("ports_probed"))
            .col(json_binary("privileges"))
            .col(string_len("scanner_version", 64))
            .col(integer("asset_count"))
            .col(integer("change_count"))
            .col(timestamp_with_time_zone("saved_at"))
            .foreign_key(&mut fk("scans", "site_id", "sites", Cascade))
            .foreign_key(&mut fk("scans", "agent_id", "agents", SetNull))
            .to_owned(),
        Table::create()
            .table("assets")
            .col(pk_uuid("id"))
            .col(uuid("site_id"))
            .col(string_len("identity_key", 64))
            .col(string_len("ip", 45))
            .col(string_len("ip_sort", 32))
            .col(string_len_null("mac", 17))
            .col(string_len_null("hostname", 255))
            .col(string_len_null("vendor", 255))
            .col(string_len_null("os_hint", 128))
            .col(string_len("device_type", 32))
            .col(string_len("category", 32))
            .col(string_len("computed_category", 32))
            .col(double("confidence"))
            .col(string_len("sensitivity", 16))
            .col(json_binary("open_ports"))
            .col(json_binary("services"))
            .col(json_binary("evidence"))
            .col(json_binary("mdns_services"))
            .col(json_binary_null("snmp"))
            .col(string_len_null("switch_host", 255))
            .col(string_len_null("switch_port", 128))
            .col(integer_null("switch_port_index"))
            .col(string_len_null("manual_category", 32))
            .col(string_len_null("manual_note", 1024))
            .col(timestamp_with_time_zone_null("tagged_at"))
            .col(timestamp_with_time_zone("first_seen"))
            .col(timestamp_with_time_zone("last_seen"))
            .col(boolean("missing"))
            .col(timestamp_with_time_zone_null("missing_since"))
            .col(integer("missed_scans").default(0))
            .col(integer("change_count").default(0))
            .col(uuid_null("last_scan_id"))
            .foreign_key(&mut fk("assets", "site_id", "sites", Cascade))
            .to_owned(),
        Table::create()
            .table("scan_assets")
            .col(uuid("scan_id"))
            .col(uuid("asset_id"))
            .col(timestamp_with_time_zone("scanned_at"))
            .col(string_len("ip", 45))
            .col(string_len_null("mac", 17))
            .col(string_len_null("hostname", 255))
            .col(string_len_null("vendor", 255))
            .col(string_len_null("os_hint", 128))
            .col(string_len("device_type", 32))
            .col(string_len("category", 32))
            .col(double("confidence"))
            .col(json_binary("open_ports"))
            .col(json_binary("services"))
            .col(json_binary("evidence"))
            .primary_key(Index::create().col("scan_id").col("asset_id"))
            .foreign_key(&mut fk("scan_assets", "scan_id", "scans", Cascade))
            .foreign_key(&mut fk("scan_assets", "asset_id", "assets", Cascade))
            .to_owned(),
        Table::create()
            .table("asset_changes")
            .col(pk_uuid("id"))
            .col(uuid("site_id"))
            .col(uuid("asset_id"))
            .col(uuid("scan_id"))
            .col(string_len("change_type", 32))
            .col(string_len_null("field_name", 32))
            .col(text_null("old_value"))
            .col(text_null("new_value"))
            .col(timestamp_with_time_zone("detected_at"))
            .foreign_key(&mut fk("asset_changes", "site_id", "sites", Cascade))
            .foreign_key(&mut fk("asset_changes", "asset_id", "assets", Cascade))
            .foreign_key(&mut fk("asset_changes", "scan_id", "scans", Cascade))
            .to_owned(),
        Table::create()
            .table("certificates")
            .col(pk_uuid("id"))
            .col(uuid("site_id"))
            .col(uuid_null("asset_id"))
            .col(string_len("ip", 45))
            .col(integer("port"))
            .col(string_len_null("subject_cn", 255))
            .col(json_binary("sans"))
            .col(string_len_null("issuer", 1024))
            .col(string_len_null("serial", 128))
            .col(timestamp_with_time_zone_null("not_before"))
            .col(timestamp_with_time_zone_null("not_after"))
            .col(string_len_null("key_type", 32))
            .col(integer_null("key_bits"))
            .col(string_len_null("signature_algorithm", 64))
            .col(string_len("fingerprint_sha256", 64))
            .col(boolean("self_signed"))
            .col(timestamp_with_time_zone("first_seen"))
            .col(timestamp_with_time_zone("last_seen"))
            .foreign_key(&mut fk("certificates", "site_id", "sites", Cascade))
            .foreign_key(&mut fk("certificates", "asset_id", "assets", SetNull))
            .to_owned(),
        Table::create()
            .table("shield_scans")
            .col(pk_uuid("id"))
            .col(uuid("site_id"))
            .col(uuid_null("agent_id"))
            .col(string_len("target", 1024))
            .col(string_len("preset", 16))
            .col(json_binary("modules"))
            .col(timestamp_with_time_zone("started_at"))
            .col(timestamp_with_time_zone_null("completed_at"))
            .col(double_null("score"))
            .col(string_len_null("grade", 4))
            .foreign_key(&mut fk("shield_scans", "site_id", "sites", Cascade))
            .foreign_key(&mut fk("shield_scans", "agent_id", "agents", SetNull))
            .to_owned(),
        Table::create()
            .table("shield_findings")
            .col(pk_uuid("id"))
            .col(uuid("shield_scan_id"))
            .col(string_len("module", 32))
            .col(string_len("severity", 16))
            .col(string_len("title", 512))
            .col(text("description"))
            .col(text("remediation"))
            .col(string_len_null("target_ip", 45))
            .col(integer_null("port"))
            .col(json_binary("evidence"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk(
                "shield_findings",
                "shield_scan_id",
                "shield_scans",
                Cascade,
            ))
            .to_owned(),
        Table::create()
            .table("sessions")
            .col(string_len("id", 64).primary_key())
            .col(uuid("user_id"))
            .col(string_len("csrf_token", 64))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("expires_at"))
            .col(timestamp_with_time_zone("last_seen_at"))
            .foreign_key(&mut fk("sessions", "user_id", "users", Cascade))
            .to_owned(),
    ]
}

fn index(table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!(
        "{}_{}_{}",
        if unique { "uq" } else { "ix" },
        table,
        cols.join("_")
    ))
    .table(Alias::new(table));
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index("agents", &["site_id"], false),
        index("enrollment_tokens", &["site_id"], false),
        index("subnets", &["site_id", "cidr"], true),
        index("switches", &["site_id", "host"], true),
        index("scans", &["site_id", "started_at"], false),
        index("scans", &["agent_id"], false),
        index("assets", &["site_id", "identity_key"], true),
        index("assets", &["site_id", "ip_sort"], false),
        index("assets", &["site_id", "category"], false),
        index("assets", &["site_id", "last_seen"], false),
        index("assets", &["mac"], false),
        index("assets", &["device_type"], false),
        index("scan_assets", &["asset_id", "scanned_at"], false),
        index("asset_changes", &["site_id", "detected_at"], false),
        index("asset_changes", &["asset_id", "detected_at"], false),
        index("asset_changes", &["scan_id"], false),
        index("asset_changes", &["change_type"], false),
        index("certificates", &["site_id", "ip", "port"], true),
        index("certificates", &["not_after"], false),
        index("certificates", &["asset_id"], false),
        index("shield_scans", &["site_id", "started_at"], false),
        index("shield_findings", &["shield_scan_id"], false),
        index("shield_findings", &["severity"], false),
        index("sessions", &["user_id"], false),
        index("sessions", &["expires_at"], false),
    ]
}
