//! Every check Shield can report, keyed by its stable id: severity, title, ATT&CK technique and
//! the remediation in English and Turkish. Findings carry only the id's facts; the dashboard,
//! the CLI and the report read the remediation from this one table.
use crate::model::shield::{Finding, Severity};
use serde_json::Value;
use std::net::IpAddr;

pub struct Check {
    pub id: &'static str,
    pub module: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub attack: &'static str,
    pub fix_en: &'static str,
    pub fix_tr: &'static str,
}

use Severity::{Critical, High, Low, Medium};

macro_rules! checks {
    ($( $id:literal, $module:literal, $sev:ident, $attack:literal, $title:literal, $en:literal, $tr:literal; )*) => {
        pub static CHECKS: &[Check] = &[ $( Check {
            id: $id, module: $module, severity: $sev, attack: $attack, title: $title,
            fix_en: $en, fix_tr: $tr,
        }, )* ];
    };
}

checks! {
    "tls.protocol.sslv3", "tls", Critical, "T1557", "SSLv3 offered",
        "Disable SSLv3 on this service; it is broken (POODLE). Offer TLS 1.2 and 1.3 only.",
        "Bu serviste SSLv3'ü kapatın; kırılmış bir protokoldür (POODLE). Yalnızca TLS 1.2 ve 1.3 sunun.";
    "tls.protocol.tls10", "tls", High, "T1557", "TLS 1.0 offered",
        "Disable TLS 1.0; offer TLS 1.2 and 1.3 only. Update the firmware if the device cannot.",
        "TLS 1.0'ı kapatın; yalnızca TLS 1.2 ve 1.3 sunun. Cihaz desteklemiyorsa yazılımını güncelleyin.";
    "tls.protocol.tls11", "tls", Medium, "T1557", "TLS 1.1 offered",
        "Disable TLS 1.1; offer TLS 1.2 and 1.3 only.",
        "TLS 1.1'i kapatın; yalnızca TLS 1.2 ve 1.3 sunun.";
    "tls.cipher.null", "tls", Critical, "T1040", "NULL cipher offered (no encryption)",
        "Remove NULL cipher suites from the server configuration.",
        "Sunucu yapılandırmasından NULL şifre takımlarını kaldırın.";
    "tls.cipher.anonymous", "tls", Critical, "T1557", "Anonymous cipher offered (no authentication)",
        "Remove anonymous (aNULL, ADH/AECDH) cipher suites.",
        "Anonim (aNULL, ADH/AECDH) şifre takımlarını kaldırın.";
    "tls.cipher.export", "tls", Critical, "T1557", "EXPORT cipher offered",
        "Remove EXPORT-grade cipher suites (FREAK, Logjam).",
        "EXPORT düzeyindeki şifre takımlarını kaldırın (FREAK, Logjam).";
    "tls.cipher.des", "tls", High, "T1040", "Single DES cipher offered",
        "Remove DES cipher suites; use AES-GCM or ChaCha20-Poly1305.",
        "DES şifre takımlarını kaldırın; AES-GCM veya ChaCha20-Poly1305 kullanın.";
    "tls.cipher.rc4", "tls", High, "T1040", "RC4 cipher offered",
        "Remove RC4 cipher suites; use AES-GCM or ChaCha20-Poly1305.",
        "RC4 şifre takımlarını kaldırın; AES-GCM veya ChaCha20-Poly1305 kullanın.";
    "tls.cipher.3des", "tls", Medium, "T1040", "3DES cipher offered (SWEET32)",
        "Remove 3DES cipher suites; use AES-GCM or ChaCha20-Poly1305.",
        "3DES şifre takımlarını kaldırın; AES-GCM veya ChaCha20-Poly1305 kullanın.";
    "tls.cipher.cbc_only_tls10", "tls", Medium, "T1557", "Only CBC ciphers on TLS 1.0 (BEAST)",
        "Disable TLS 1.0, or at least offer a non-CBC cipher on it.",
        "TLS 1.0'ı kapatın ya da en azından CBC olmayan bir şifre sunun.";
    "tls.cert.expired", "tls", Critical, "T1557", "Certificate expired",
        "Renew the certificate and install it with its full chain.",
        "Sertifikayı yenileyin ve tam zinciriyle birlikte kurun.";
    "tls.cert.expiring", "tls", Medium, "T1557", "Certificate expires within 30 days",
        "Renew the certificate before it expires; automate renewal (ACME) where possible.",
        "Sertifikayı süresi dolmadan yenileyin; mümkünse yenilemeyi otomatikleştirin (ACME).";
    "tls.cert.self_signed", "tls", Medium, "T1557", "Self-signed certificate",
        "Issue the certificate from your organisation's CA or a public CA.",
        "Sertifikayı kurumunuzun sertifika otoritesinden veya bir kamu SO'sundan alın.";
    "tls.cert.name_mismatch", "tls", Medium, "T1557", "Certificate is for another name",
        "Issue a certificate whose SAN lists the names clients use for this service.",
        "İstemcilerin bu servise eriştiği adları SAN alanında içeren bir sertifika düzenleyin.";
    "tls.cert.weak_key", "tls", High, "T1557", "Weak certificate key",
        "Reissue the certificate with an RSA key of at least 2048 bits or an EC key of at least 256 bits.",
        "Sertifikayı en az 2048 bit RSA veya en az 256 bit EC anahtarla yeniden düzenleyin.";
    "tls.cert.sha1_signature", "tls", Medium, "T1557", "Certificate signed with SHA-1",
        "Reissue the certificate with a SHA-256 (or stronger) signature.",
        "Sertifikayı SHA-256 veya daha güçlü bir imzayla yeniden düzenleyin.";
    "tls.cert.incomplete_chain", "tls", Low, "T1557", "Certificate chain incomplete",
        "Install the intermediate certificates together with the server certificate.",
        "Ara sertifikaları sunucu sertifikasıyla birlikte kurun.";
    "ports.telnet", "ports", High, "T1021", "Telnet exposed",
        "Turn Telnet off and manage the device over SSH.",
        "Telnet'i kapatın ve cihazı SSH üzerinden yönetin.";
    "ports.ftp", "ports", Medium, "T1021", "FTP exposed",
        "Replace FTP with SFTP or FTPS, or restrict it to the hosts that need it.",
        "FTP yerine SFTP veya FTPS kullanın ya da erişimi gereken hostlarla sınırlayın.";
    "ports.smb", "ports", Medium, "T1021.002", "SMB exposed",
        "Restrict SMB to the networks that need file sharing; disable SMBv1.",
        "SMB erişimini dosya paylaşımı gereken ağlarla sınırlayın; SMBv1'i kapatın.";
    "ports.rdp", "ports", Medium, "T1021.001", "Remote Desktop exposed",
        "Put RDP behind a VPN or gateway, require NLA and MFA.",
        "RDP'yi VPN veya ağ geçidinin arkasına alın; NLA ve çok faktörlü doğrulama isteyin.";
    "ports.vnc", "ports", High, "T1021.005", "VNC exposed",
        "Turn VNC off or tunnel it over SSH/VPN with a strong password.",
        "VNC'yi kapatın ya da güçlü parolayla SSH/VPN üzerinden tünelleyin.";
    "ports.database", "ports", Medium, "T1190", "Database port exposed",
        "Bind the database to the application hosts only or firewall the port.",
        "Veritabanını yalnızca uygulama sunucularına açın veya portu güvenlik duvarıyla kapatın.";
    "ports.redis_noauth", "ports", Critical, "T1190", "Redis answers without authentication",
        "Set requirepass or ACL users, enable protected mode and bind Redis to trusted hosts.",
        "requirepass veya ACL kullanıcıları tanımlayın, protected mode'u açın ve Redis'i güvenilir hostlara bağlayın.";
    "ports.mongodb_noauth", "ports", Critical, "T1190", "MongoDB answers without authentication",
        "Enable authorization (security.authorization) and bind MongoDB to trusted hosts.",
        "Yetkilendirmeyi açın (security.authorization) ve MongoDB'yi güvenilir hostlara bağlayın.";
    "ports.elasticsearch_noauth", "ports", Critical, "T1190", "Elasticsearch answers without authentication",
        "Enable Elasticsearch security (xpack.security.enabled) and restrict the port.",
        "Elasticsearch güvenliğini açın (xpack.security.enabled) ve portu kısıtlayın.";
    "ports.memcached_noauth", "ports", High, "T1190", "Memcached answers without authentication",
        "Bind memcached to localhost or enable SASL; never expose UDP 11211.",
        "memcached'i localhost'a bağlayın veya SASL açın; UDP 11211'i asla dışarı açmayın.";
    "ports.upnp_igd", "ports", Medium, "T1090", "UPnP Internet Gateway Device exposed",
        "Disable UPnP IGD on the router so hosts cannot open ports to the Internet.",
        "Hostların İnternete port açamaması için yönlendiricide UPnP IGD'yi kapatın.";
    "ports.snmp_default_community", "ports", High, "T1602.001", "SNMP answers a default community",
        "Change the SNMP community or move to SNMPv3 with authentication and privacy.",
        "SNMP topluluk adını değiştirin veya kimlik doğrulamalı ve şifreli SNMPv3'e geçin.";
    "ports.excessive", "ports", Medium, "T1046", "Many open ports",
        "Close the services this host does not need; each open port is attack surface.",
        "Bu hostta gerekmeyen servisleri kapatın; her açık port bir saldırı yüzeyidir.";
    "dns.spf_missing", "dns", High, "T1566", "No SPF record",
        "Publish an SPF record that lists your mail senders and ends in -all.",
        "Posta gönderen sunucularınızı listeleyen ve -all ile biten bir SPF kaydı yayımlayın.";
    "dns.spf_permissive", "dns", Medium, "T1566", "SPF does not refuse other senders",
        "End the SPF record in -all (not +all, ?all or nothing).",
        "SPF kaydını -all ile bitirin (+all, ?all ya da hiçbiri değil).";
    "dns.spf_softfail", "dns", Low, "T1566", "SPF only soft-fails other senders",
        "Once your senders are all listed, change ~all to -all.",
        "Tüm gönderenler listelendiğinde ~all ifadesini -all olarak değiştirin.";
    "dns.dmarc_missing", "dns", High, "T1566", "No DMARC policy",
        "Publish _dmarc TXT \"v=DMARC1; p=quarantine; rua=mailto:…\", then move to p=reject.",
        "_dmarc TXT \"v=DMARC1; p=quarantine; rua=mailto:…\" kaydını yayımlayın, ardından p=reject'e geçin.";
    "dns.dmarc_none", "dns", Medium, "T1566", "DMARC policy is p=none",
        "Move the DMARC policy from p=none to p=quarantine, then p=reject.",
        "DMARC politikasını p=none'dan p=quarantine'e, ardından p=reject'e taşıyın.";
    "dns.dkim_missing", "dns", Low, "T1566", "No DKIM key at the selectors tried",
        "Sign outgoing mail with DKIM and publish the key (selector._domainkey).",
        "Giden postayı DKIM ile imzalayın ve anahtarı yayımlayın (selector._domainkey).";
    "dns.caa_missing", "dns", Low, "T1588.004", "No CAA record",
        "Publish CAA records naming the certificate authorities allowed to issue for the domain.",
        "Alan adı için sertifika düzenleyebilecek otoriteleri belirten CAA kayıtları yayımlayın.";
    "dns.dnssec_missing", "dns", Low, "T1557", "Domain not signed with DNSSEC",
        "Sign the zone with DNSSEC and publish the DS record at the parent.",
        "Bölgeyi DNSSEC ile imzalayın ve DS kaydını üst bölgede yayımlayın.";
    "dns.open_resolver", "dns", High, "T1498.002", "Open DNS resolver",
        "Allow recursion only for your own networks (allow-recursion / access-control).",
        "Özyinelemeye yalnızca kendi ağlarınız için izin verin (allow-recursion / access-control).";
    "dns.zone_transfer", "dns", High, "T1590.002", "Zone transfer allowed to anyone",
        "Allow AXFR only to your secondary servers (by address or TSIG key).",
        "AXFR'ye yalnızca ikincil sunucularınız için izin verin (adres veya TSIG anahtarıyla).";
    "creds.ftp_anonymous", "creds", High, "T1078", "Anonymous FTP login",
        "Turn anonymous FTP off (anonymous_enable=NO) unless the server is meant to publish files.",
        "Sunucu dosya yayımlamak için değilse anonim FTP'yi kapatın (anonymous_enable=NO).";
    "creds.telnet_default", "creds", Critical, "T1078.001", "Telnet accepts a default login",
        "Change the default password now, and replace Telnet with SSH.",
        "Varsayılan parolayı hemen değiştirin ve Telnet yerine SSH kullanın.";
    "creds.ssh_default", "creds", Critical, "T1078.001", "SSH accepts a default password",
        "Change the default password now, and allow SSH logins with keys only (PasswordAuthentication no).",
        "Varsayılan parolayı hemen değiştirin ve SSH'de yalnızca anahtarla girişe izin verin (PasswordAuthentication no).";
    "creds.http_default", "creds", Critical, "T1078.001", "Web admin accepts a default login",
        "Change the default password of the administration page and limit who can reach it.",
        "Yönetim sayfasının varsayılan parolasını değiştirin ve erişebilecekleri sınırlayın.";
    "creds.snmp_write", "creds", Critical, "T1602.001", "SNMP accepts writes with a default community",
        "Remove the rw community or move to SNMPv3 with authentication; allow writes only from management hosts.",
        "Yazma yetkili topluluğu kaldırın veya kimlik doğrulamalı SNMPv3'e geçin; yazmaya yalnızca yönetim hostlarından izin verin.";
    "owasp.git_exposed", "owasp", High, "T1213", "Git repository exposed",
        "Deny web access to /.git (and deploy without it).",
        "/.git dizinine web erişimini engelleyin (ve yayına onsuz alın).";
    "owasp.env_exposed", "owasp", Critical, "T1552.001", "Environment file exposed",
        "Remove .env from the web root, deny dotfiles, and rotate every secret it held.",
        ".env dosyasını web kökünden kaldırın, nokta ile başlayan dosyaları engelleyin ve içindeki tüm gizli bilgileri yenileyin.";
    "owasp.backup_exposed", "owasp", High, "T1213", "Backup file exposed",
        "Remove backups and dumps from the web root.",
        "Yedekleri ve veritabanı dökümlerini web kökünden kaldırın.";
    "owasp.directory_listing", "owasp", Medium, "T1083", "Directory listing enabled",
        "Turn directory listing off (autoindex off, Options -Indexes).",
        "Dizin listelemeyi kapatın (autoindex off, Options -Indexes).";
    "owasp.trace_enabled", "owasp", Low, "T1190", "TRACE method enabled",
        "Disable TRACE (TraceEnable off).",
        "TRACE yöntemini kapatın (TraceEnable off).";
    "owasp.admin_page", "owasp", Medium, "T1078", "Administration page reachable",
        "Reach admin pages only from a management network or VPN.",
        "Yönetim sayfalarına yalnızca yönetim ağından veya VPN üzerinden erişilmesini sağlayın.";
    "owasp.open_redirect", "owasp", Medium, "T1566.002", "Open redirect",
        "Redirect only to your own paths or an allow-list of hosts.",
        "Yalnızca kendi yollarınıza veya izin verilen alan adlarına yönlendirin.";
    "owasp.reflected_input", "owasp", High, "T1189", "Input reflected unescaped",
        "Escape every value written into a page for its context (HTML, attribute, script).",
        "Sayfaya yazılan her değeri bağlamına göre (HTML, öznitelik, betik) kaçışlayın.";
    "headers.hsts_missing", "headers", Medium, "T1557", "Strict-Transport-Security missing",
        "Send Strict-Transport-Security: max-age=31536000; includeSubDomains on HTTPS answers.",
        "HTTPS yanıtlarında Strict-Transport-Security: max-age=31536000; includeSubDomains gönderin.";
    "headers.csp_missing", "headers", Medium, "T1189", "Content-Security-Policy missing",
        "Send a Content-Security-Policy that lists the sources the pages need.",
        "Sayfaların ihtiyaç duyduğu kaynakları listeleyen bir Content-Security-Policy gönderin.";
    "headers.frame_options_missing", "headers", Medium, "T1189", "Clickjacking protection missing",
        "Send X-Frame-Options: DENY or a CSP frame-ancestors directive.",
        "X-Frame-Options: DENY veya CSP frame-ancestors yönergesi gönderin.";
    "headers.content_type_options_missing", "headers", Low, "T1189", "X-Content-Type-Options missing",
        "Send X-Content-Type-Options: nosniff.",
        "X-Content-Type-Options: nosniff gönderin.";
    "headers.referrer_policy_missing", "headers", Low, "T1189", "Referrer-Policy missing",
        "Send Referrer-Policy: strict-origin-when-cross-origin (or stricter).",
        "Referrer-Policy: strict-origin-when-cross-origin (veya daha sıkı) gönderin.";
    "headers.permissions_policy_missing", "headers", Low, "T1189", "Permissions-Policy missing",
        "Send a Permissions-Policy that turns off the browser features the site does not use.",
        "Sitenin kullanmadığı tarayıcı özelliklerini kapatan bir Permissions-Policy gönderin.";
    "headers.server_version", "headers", Low, "T1592.002", "Server header reveals a version",
        "Configure the server to send its name without a version (server_tokens off, ServerTokens Prod).",
        "Sunucuyu sürüm bilgisi olmadan ad gönderecek şekilde yapılandırın (server_tokens off, ServerTokens Prod).";
    "headers.powered_by", "headers", Low, "T1592.002", "X-Powered-By reveals the platform",
        "Remove the X-Powered-By header (expose_php Off, app.disable('x-powered-by')).",
        "X-Powered-By başlığını kaldırın (expose_php Off, app.disable('x-powered-by')).";
    "cve.known", "cve", High, "T1190", "Known vulnerability in the version served",
        "Upgrade the product to a fixed version, or apply the vendor's fix.",
        "Ürünü düzeltilmiş bir sürüme yükseltin veya üreticinin düzeltmesini uygulayın.";
    "headers.cookie_flags", "headers", Medium, "T1539", "Cookie without Secure, HttpOnly or SameSite",
        "Set session cookies with Secure, HttpOnly and SameSite=Lax (or Strict).",
        "Oturum çerezlerini Secure, HttpOnly ve SameSite=Lax (veya Strict) ile gönderin.";
}

/// The check with this id; every CVE's own id (`cve.cve_2021_41773`) is a `cve.known`.
pub fn check(id: &str) -> Option<&'static Check> {
    let id = if id.starts_with("cve.cve_") {
        "cve.known"
    } else {
        id
    };
    CHECKS.iter().find(|c| c.id == id)
}

/// The remediation of a stored finding in both languages: a CVE's names the product and the
/// fixed version from its evidence; a check in the table has its text; anything else keeps
/// what its sender wrote.
pub fn remediation_of(id: &str, evidence: &Value, sent: &str) -> (String, String) {
    if id.starts_with("cve.cve_") {
        let product = evidence["product"].as_str().unwrap_or("the product");
        return match evidence["fixed_in"].as_str() {
            Some(v) => (
                format!("Upgrade {product} to {v} or later (or apply the vendor's fix)."),
                format!(
                    "{product} ürününü {v} veya daha yeni bir sürüme yükseltin (ya da üreticinin düzeltmesini uygulayın)."
                ),
            ),
            None => (
                format!("Apply the vendor's fix for {product}, or replace it."),
                format!("{product} için üreticinin düzeltmesini uygulayın ya da ürünü değiştirin."),
            ),
        };
    }
    match check(id) {
        Some(c) => (c.fix_en.into(), c.fix_tr.into()),
        None => (sent.into(), sent.into()),
    }
}

/// The remediation of a check in `lang` ("tr" or anything else for English).
pub fn remediation(id: &str, lang: &str) -> Option<&'static str> {
    check(id).map(|c| if lang == "tr" { c.fix_tr } else { c.fix_en })
}

/// Whether fixing the check is a configuration change (a quick win) rather than a reissued
/// certificate, an upgrade or a redesign (an important fix).
pub fn low_effort(id: &str) -> bool {
    ["headers.", "tls.protocol.", "tls.cipher.", "ports."]
        .iter()
        .any(|p| id.starts_with(p))
        && id != "ports.excessive"
}

/// A finding of check `id` on ip:port, with what was seen. Panics on an unknown id: ids are
/// literals in this crate and a test walks them all.
pub fn finding(
    id: &str,
    ip: IpAddr,
    port: Option<u16>,
    description: String,
    evidence: Value,
) -> Finding {
    let c = check(id).unwrap_or_else(|| panic!("shield check {id} is not in the catalog"));
    Finding {
        check_id: Some(c.id.into()),
        module: c.module.into(),
        severity: c.severity,
        title: c.title.into(),
        description,
        remediation: c.fix_en.into(),
        target_ip: Some(ip),
        port,
        evidence,
        cve_id: None,
        cvss_score: None,
        attack_technique: Some(c.attack.into()),
        epss: None,
        kev: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::shield::valid_check_id;

    #[test]
    fn every_check_has_a_valid_unique_id_its_module_prefix_and_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for c in CHECKS {
            assert!(valid_check_id(c.id), "{}", c.id);
            assert!(seen.insert(c.id), "{} twice", c.id);
            assert!(c.id.starts_with(&format!("{}.", c.module)), "{}", c.id);
            assert!(!c.fix_en.is_empty() && !c.fix_tr.is_empty(), "{}", c.id);
            assert_ne!(c.fix_en, c.fix_tr, "{}", c.id);
            assert!(c.attack.starts_with('T'), "{}", c.id);
        }
        assert_eq!(
            remediation("tls.protocol.tls10", "tr").unwrap(),
            CHECKS[1].fix_tr
        );
        assert!(remediation("no.such.check", "en").is_none());
    }
}
