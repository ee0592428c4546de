// Realistic API answers for tests, shaped by the generated schema types.
import type {
  AgentView,
  AlertView,
  AssetPage,
  AssetVulns,
  AssetView,
  AuditView,
  ChangeView,
  ChannelView,
  CommandView,
  CveMatch,
  DeliveryView,
  FindingView,
  GearNode,
  Inventory,
  IssueView,
  Layer2,
  PlacedDevice,
  Rule,
  ScanView,
  ShieldScanDetail,
  ShieldScanView,
  SiteConfigView,
  SitePosture,
  SwitchView,
  VulnReport,
} from '../api'
import type { SiteInfo } from '../stores/sites'

export function uuid(i: number): string {
  return `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
}

export function asset(i: number, patch: Partial<AssetView> = {}): AssetView {
  return {
    id: uuid(i),
    site: 'hq',
    ip: `10.0.0.${i}`,
    mac: null,
    hostname: null,
    vendor: null,
    os_hint: null,
    device_type: 'unknown',
    category: 'unclassified',
    category_tr: 'Sınıflandırılmamış',
    computed_category: 'unclassified',
    confidence: 0.2,
    confidence_level: 'unclassified',
    sensitivity: 'safe',
    open_ports: [],
    manual_category: null,
    manual_note: null,
    switch_host: null,
    switch_port: null,
    vlan: null,
    first_seen: '2026-11-01T10:00:00Z',
    last_seen: '2026-11-20T10:00:00Z',
    missing: false,
    missing_since: null,
    change_count: 0,
    ...patch,
  }
}

export function inventory(items: AssetView[], total = items.length, page = 1, perPage = 50): Inventory {
  return { items, total, page, per_page: perPage, category_summary: { unclassified: total } }
}

export function site(name: string, patch: Partial<SiteInfo> = {}): SiteInfo {
  return {
    id: uuid(900 + name.length),
    name,
    asset_count: 0,
    missing_count: 0,
    scan_count: 0,
    last_scan_at: null,
    created_at: '2026-11-01T10:00:00Z',
    demo: false,
    ...patch,
  }
}

export function change(i: number, patch: Partial<ChangeView> = {}): ChangeView {
  return {
    id: uuid(500 + i),
    site: 'hq',
    asset_id: uuid(i),
    ip: `10.0.0.${i}`,
    scan_id: uuid(800),
    change_type: 'new_asset',
    detected_at: '2026-11-20T10:00:00Z',
    field: null,
    old_value: null,
    new_value: null,
    hostname: null,
    mac: null,
    ...patch,
  }
}

export function assetPage(i: number, patch: Partial<AssetPage> = {}): AssetPage {
  return {
    ...asset(i),
    services: [],
    evidence: [],
    mdns_services: [],
    ipv6: [],
    snmp: null,
    names: [],
    device_info: null,
    switch_port_index: null,
    tagged_at: null,
    certificates: [],
    history: [],
    changes: [],
    risk: {
      asset_id: uuid(i),
      site: 'hq',
      ip: `10.0.0.${i}`,
      category: 'unclassified',
      risk_score: 3.2,
      risk_level: 'low',
      factors: { cve: 0, shield: 0, exposure: 0.3, classification: 0.9, age: 0.1, changes: 0 },
      cve_count: 0,
      top_cve: null,
      open_ports: [],
      hostname: null,
      mac: null,
      vendor: null,
    },
    vulnerabilities: [],
    shield_findings: [],
    ...patch,
  }
}

export function agent(i: number, patch: Partial<AgentView> = {}): AgentView {
  return {
    id: uuid(700 + i),
    name: `agent-${i}`,
    site: 'hq',
    state: 'online',
    version: '0.1.0',
    subnets: ['10.0.0.0/24'],
    queue_depth: 0,
    activity: 'idle',
    last_error: null,
    heartbeat_seconds: 60,
    created_at: '2026-11-01T10:00:00Z',
    last_seen_at: '2026-11-23T10:00:00Z',
    last_scan_at: '2026-11-23T09:00:00Z',
    revoked_at: null,
    config_version: null,
    site_config_version: 0,
    ...patch,
  }
}

export function cveMatch(i: number, patch: Partial<CveMatch> = {}): CveMatch {
  return {
    cve_id: `CVE-2026-${String(1000 + i)}`,
    cvss: 7.5,
    fixed_in: '2.4.60',
    kev: false,
    port: 443,
    product: 'apache httpd',
    severity: 'high',
    summary: 'A flaw in request handling.',
    version: '2.4.58',
    ...patch,
  }
}

/** A vulnerable asset: one high CVE, or one critical KEV CVE when `kev` is set. */
export function assetVulns(i: number, patch: Partial<AssetVulns> = {}, kev = false): AssetVulns {
  const matches = [kev ? cveMatch(i, { kev: true, cvss: 9.8, severity: 'critical' }) : cveMatch(i)]
  return {
    asset_id: uuid(i),
    site: 'hq',
    ip: `10.0.0.${i}`,
    hostname: null,
    vendor: null,
    matches,
    max_cvss: matches[0]!.cvss,
    kev_count: kev ? 1 : 0,
    critical_count: kev ? 1 : 0,
    high_count: kev ? 0 : 1,
    medium_count: 0,
    low_count: 0,
    ...patch,
  }
}

/** A page of the vulnerability report; the totals stay the whole inventory's. */
export function vulnReport(
  assets: AssetVulns[],
  total = assets.length,
  page = 1,
  perPage = 50,
  patch: Partial<VulnReport> = {},
): VulnReport {
  return {
    assets_scanned: 200,
    vulnerable_assets: total,
    kev_assets: assets.filter((a) => a.kev_count > 0).length,
    by_severity: { critical: 3, high: 12, medium: 4, low: 1 },
    snapshot_date: '2026-11-20',
    snapshot_entries: 1234,
    assets,
    total,
    page,
    per_page: perPage,
    ...patch,
  }
}

/** A site's configuration as GET /api/sites/{site}/config answers it. */
export function siteConfig(name: string, patch: Partial<SiteConfigView> = {}): SiteConfigView {
  return {
    site: name,
    version: 3,
    settings: {
      targets: ['10.1.0.0/24'],
      exclude: [],
      ports: null,
      interval_seconds: 900,
      rate: null,
      max_concurrency: null,
      fragile: [],
      fragile_types: ['printer'],
      shield: { preset: null, every_hours: null },
      maintenance: null,
    },
    subnets: ['10.0.0.0/24'],
    switches: ['10.0.0.2'],
    fragile_ips: ['10.0.0.9'],
    fragile_count: 1,
    updated_at: '2026-11-23T10:00:00Z',
    updated_by: 'admin',
    ...patch,
  }
}

export function auditEntry(i: number, patch: Partial<AuditView> = {}): AuditView {
  return {
    id: uuid(300 + i),
    at: '2026-11-23T10:00:00Z',
    actor: 'admin',
    address: '192.0.2.10',
    action: 'subnet.add',
    site: 'hq',
    target: '10.0.0.0/24',
    before: null,
    after: { cidr: '10.0.0.0/24', label: 'core' },
    ...patch,
  }
}

/** A command as GET /api/commands/{id} answers it: a scan_now for agent(1), just queued. */
export function command(i: number, patch: Partial<CommandView> = {}): CommandView {
  return {
    id: uuid(600 + i),
    agent_id: uuid(701),
    site: 'hq',
    kind: 'scan_now',
    args: { targets: [], ports: null, shield: false },
    state: 'queued',
    issued_by: 'admin',
    issued_at: '2026-11-23T10:00:00Z',
    expires_at: '2026-11-23T10:10:00Z',
    acked_at: null,
    finished_at: null,
    progress: null,
    result: null,
    ...patch,
  }
}

/** A stored scan as GET /api/scans lists it, by agent(1) of site hq. */
export function scan(i: number, patch: Partial<ScanView> = {}): ScanView {
  return {
    id: uuid(800 + i),
    report_id: uuid(850 + i),
    site: 'hq',
    agent_id: uuid(701),
    duration_seconds: 125,
    target: '10.0.0.0/24',
    method: 'hybrid',
    started_at: '2026-11-23T09:00:00Z',
    completed_at: '2026-11-23T09:02:05Z',
    partial: false,
    asset_count: 42,
    change_count: 3,
    scanner_version: '0.1.0',
    privileges: { raw_sockets: true, arp: true, icmp: true },
    ...patch,
  }
}

/** An open Shield finding (GET /api/shield/findings), TLS 1.0 on 10.0.0.<i>:443 of site hq. */
export function issue(i: number, patch: Partial<IssueView> = {}): IssueView {
  return {
    id: uuid(1000 + i),
    site: 'hq',
    check_id: 'tls.protocol.tls10',
    module: 'tls',
    severity: 'high',
    title: 'TLS 1.0 offered',
    description: 'The service accepts a TLS 1.0 handshake.',
    evidence: { protocol: 'TLSv1.0' },
    target_ip: `10.0.0.${i}`,
    port: 443,
    asset_id: uuid(i),
    status: 'open',
    first_seen_at: '2026-11-20T10:00:00Z',
    last_seen_at: '2026-11-23T10:00:00Z',
    resolved_at: null,
    reopened_count: 0,
    last_scan_id: uuid(1100),
    cve_id: null,
    cvss_score: null,
    epss: null,
    kev: null,
    attack_technique: 'T1557',
    remediation: {
      en: 'Disable TLS 1.0; offer TLS 1.2 and 1.3 only.',
      tr: 'TLS 1.0’ı kapatın; yalnızca TLS 1.2 ve 1.3 sunun.',
    },
    priority: 'quick_win',
    ...patch,
  }
}

/** A site's Shield posture (GET /api/shield/posture). */
export function posture(siteName: string, patch: Partial<SitePosture> = {}): SitePosture {
  return {
    site: siteName,
    score: 82.5,
    grade: 'B',
    module_scores: { tls: 85, ports: 100, headers: 62 },
    last_scan_id: uuid(1100),
    last_scan_at: '2026-11-23T10:00:00Z',
    open: { critical: 0, high: 2, medium: 3, low: 1 },
    trend: [
      { at: '2026-11-21T10:00:00Z', score: 61, grade: 'C' },
      { at: '2026-11-22T10:00:00Z', score: 70, grade: 'C+' },
      { at: '2026-11-23T10:00:00Z', score: 82.5, grade: 'B' },
    ],
    ...patch,
  }
}

/** A Shield scan as GET /api/shield/scans lists it, by agent(1) of site hq. */
export function shieldScan(i: number, patch: Partial<ShieldScanView> = {}): ShieldScanView {
  return {
    id: uuid(1100 + i),
    site: 'hq',
    agent_id: uuid(701),
    target: '10.0.0.0/24',
    preset: 'standard',
    modules: ['tls', 'ports', 'headers'],
    started_at: '2026-11-23T10:00:00Z',
    completed_at: '2026-11-23T10:03:20Z',
    score: 82.5,
    grade: 'B',
    severity_counts: { high: 2, medium: 1 },
    ...patch,
  }
}

/** A finding of one Shield scan (the scan detail's findings). */
export function scanFinding(i: number, patch: Partial<FindingView> = {}): FindingView {
  return {
    id: uuid(1200 + i),
    check_id: 'tls.protocol.tls10',
    module: 'tls',
    severity: 'high',
    title: 'TLS 1.0 offered',
    description: 'The service accepts a TLS 1.0 handshake.',
    remediation: 'Disable TLS 1.0; offer TLS 1.2 and 1.3 only.',
    remediation_tr: 'TLS 1.0’ı kapatın; yalnızca TLS 1.2 ve 1.3 sunun.',
    target_ip: `10.0.0.${i}`,
    port: 443,
    evidence: { protocol: 'TLSv1.0' },
    cve_id: null,
    cvss_score: null,
    epss: null,
    kev: null,
    attack_technique: 'T1557',
    asset_id: uuid(i),
    ...patch,
  }
}

/** One Shield scan in full (GET /api/shield/scans/{id}). */
export function shieldScanDetail(i: number, patch: Partial<ShieldScanDetail> = {}): ShieldScanDetail {
  return {
    ...shieldScan(i),
    module_scores: { tls: 85, ports: 100, headers: 62 },
    hosts: [
      { ip: '10.0.0.5', modules: ['tls', 'ports', 'headers'] },
      { ip: '10.0.0.6', modules: ['ports'] },
    ],
    not_assessed: [
      { target: '10.0.0.9:443', module: 'tls', reason: 'connection timed out' },
      { target: '10.0.0.10', module: null, reason: 'host unreachable' },
    ],
    findings: [scanFinding(5)],
    ...patch,
  }
}

export function alert(i: number, patch: Partial<AlertView> = {}): AlertView {
  return {
    id: uuid(1000 + i),
    site: 'hq',
    kind: 'new_device',
    severity: 'medium',
    title: `New device 10.0.0.${i}`,
    detail: { ip: `10.0.0.${i}`, mac: `aa:bb:cc:dd:ee:${String(i).padStart(2, '0')}`, vendor: 'Acme', asset_id: uuid(i) },
    status: 'open',
    occurrences: 1,
    opened_at: '2026-11-23T08:00:00Z',
    updated_at: '2026-11-23T08:00:00Z',
    resolved_at: null,
    acknowledged_by: null,
    acknowledged_at: null,
    ack_note: null,
    ...patch,
  }
}

export function rule(kind: Rule['kind'], patch: Partial<Rule> = {}): Rule {
  return { kind, site: null, enabled: true, severity: 'medium', params: {}, stored: false, ...patch }
}

export function channel(i: number, patch: Partial<ChannelView> = {}): ChannelView {
  return {
    id: uuid(1100 + i),
    kind: 'webhook',
    name: `hook-${i}`,
    site: null,
    target: 'alerts.example.com',
    min_severity: 'low',
    enabled: true,
    schedule: { digest: 'off' },
    created_at: '2026-11-20T10:00:00Z',
    failures: 0,
    paused_until: null,
    ...patch,
  }
}

export function delivery(i: number, patch: Partial<DeliveryView> = {}): DeliveryView {
  return {
    id: uuid(1200 + i),
    alert_id: uuid(1000 + i),
    channel_id: uuid(1101),
    channel: 'hook-1',
    event: 'opened',
    status: 'sent',
    attempts: 1,
    idempotency_key: `key-${i}`,
    last_error: null,
    created_at: '2026-11-23T08:00:01Z',
    next_attempt_at: '2026-11-23T08:00:01Z',
    sent_at: '2026-11-23T08:00:02Z',
    ...patch,
  }
}

export function switchView(i: number, patch: Partial<SwitchView> = {}): SwitchView {
  return {
    id: uuid(i),
    site: 'hq',
    host: `10.0.0.${i}`,
    role: 'switch',
    snmp_version: '2c',
    label: `sw-${i}`,
    community_set: true,
    snmp_user: null,
    auth: null,
    privacy: null,
    context: null,
    last_polled_at: '2026-11-20T10:00:00Z',
    mac_count: 12,
    chassis_id: null,
    sys_name: null,
    vlans: [],
    routed_count: 0,
    poll_error: null,
    ...patch,
  }
}

export function gearNode(id: string, patch: Partial<GearNode> = {}): GearNode {
  const registered = id.startsWith('gear:')
  const host = id.split('/').pop() ?? id
  return {
    id,
    kind: registered ? 'switch' : 'wlan-ap',
    label: host,
    site: 'hq',
    registered,
    host: registered ? host : null,
    mgmt_address: null,
    description: null,
    vlans: [],
    devices: 0,
    poll_error: null,
    ...patch,
  }
}

export function placedDevice(i: number, gear: string, port: string, patch: Partial<PlacedDevice> = {}): PlacedDevice {
  return {
    gear,
    port,
    asset_id: uuid(i),
    ip: `10.0.${Math.floor(i / 256)}.${i % 256}`,
    label: `dev-${i}`,
    category: 'iot',
    device_type: 'camera',
    vlan: 10,
    ...patch,
  }
}

/**
 * A core switch with two access switches (LLDP), an access point heard on the first and a
 * candidate switch heard on the second; three devices on the first access switch, one on
 * the second.
 */
export function layer2Sample(): Layer2 {
  const core = 'gear:hq/10.0.0.1'
  const a1 = 'gear:hq/10.0.0.2'
  const a2 = 'gear:hq/10.0.0.3'
  const ap = 'heard:hq/00:27:22:00:00:01'
  const floor = 'heard:hq/00:00:0c:00:00:09'
  const devices = [
    placedDevice(12, a1, 'Gi1/0/10'),
    placedDevice(11, a1, 'Gi1/0/2', { vlan: 20 }),
    placedDevice(13, a1, 'Gi1/0/2', { category: 'uygulamalar', device_type: 'server' }),
    placedDevice(300, a2, 'Gi1/0/5'),
  ]
  return {
    nodes: [
      gearNode(a2, { label: 'sw-a2', devices: 1, vlans: [10] }),
      gearNode(core, { label: 'sw-core', vlans: [10, 20] }),
      gearNode(a1, { label: 'sw-a1', devices: 3, vlans: [10, 20], poll_error: 'timeout' }),
      gearNode(ap, { label: 'ap-1', mgmt_address: '10.0.0.20' }),
      gearNode(floor, { label: 'sw-floor', kind: 'bridge', mgmt_address: '10.0.0.249' }),
    ],
    links: [
      { source: core, source_port: 'Te1/1/1', target: a1, target_port: 'Te1/0/1', protocol: 'lldp' },
      { source: core, source_port: 'Te1/1/2', target: a2, target_port: 'Te1/0/1', protocol: 'lldp+cdp' },
      { source: a1, source_port: 'Gi1/0/4', target: ap, target_port: 'eth0', protocol: 'lldp' },
      { source: a2, source_port: 'Gi1/0/48', target: floor, target_port: 'Gi1/0/52', protocol: 'cdp' },
    ],
    devices,
    devices_omitted: 0,
    candidates: [
      {
        site: 'hq',
        address: '10.0.0.249',
        name: 'sw-floor',
        capabilities: ['bridge'],
        heard_by: '10.0.0.3',
        heard_on: 'Gi1/0/48',
      },
    ],
    vlans: [10, 20],
  }
}
