// GENERATED FILE: do not edit. Source: web/openapi.json (served at /api/openapi.json).
// Regenerate with `npm run gen:api`; src/api/schema.test.ts fails when this file is stale.

/** Version of the API document these types were generated from. */
export const API_VERSION = "0.1.0"

// --- component schemas ---------------------------------------------------------

/** A neighbour to register, as the graph's candidates list names it. */
export interface AcceptCandidate {
  /** Its management address. */
  address: string
  /** The registered switch that heard it: the new one is polled with its credentials. */
  heard_by: string
  site?: string | null
}

export interface Acknowledge {
  /** Who is on it, what was done (at most 1000 characters). */
  note?: string
}

export interface ActionItem {
  asset_id: string
  hostname?: string | null
  ip: string
  /**
   * `classify` (unclassified), `review` (low confidence) or `secure` (an open critical or
   * high Shield finding).
   */
  kind: string
  /** `critical` or `normal`. */
  priority: string
  reason: string
  site: string
}

/** What an agent is doing as it heartbeats. */
export type Activity = "idle" | "scanning" | "stopping"

export interface AgentList {
  agents: AgentView[]
}

/** An agent's lifecycle state as the server sees it. */
export type AgentState = "pending" | "online" | "stale" | "offline" | "revoked"

/** An agent as the dashboard lists it: never its token or hash. */
export interface AgentView {
  /** What it said it was doing: idle, scanning or stopping. */
  activity?: string | null
  /** The site configuration version it runs (None: it never said; an older agent). */
  config_version?: number | null
  created_at: string
  heartbeat_seconds: number
  id: string
  /** The last problem it reported. */
  last_error?: string | null
  last_scan_at?: string | null
  last_seen_at?: string | null
  name: string
  queue_depth: number
  revoked_at?: string | null
  site: string
  /**
   * The site's current configuration version (0: none). Equal to `config_version`:
   * applied; greater: pending.
   */
  site_config_version: number
  state: AgentState
  subnets: string[]
  /** The platform it runs on. */
  target?: string | null
  update_at?: string | null
  /** Why an update was refused or rolled back. */
  update_reason?: string | null
  /** Its latest update: updating, updated, refused or rolled_back (None: none yet). */
  update_state?: string | null
  update_version?: string | null
  version?: string | null
}

/** What an alert is about. */
export type AlertKind = "new_device" | "device_missing" | "risky_port" | "cert_expiring" | "agent_down" | "shield_finding" | "scan_partial" | "scan_failed" | "grade_drop" | "address_conflict"

/** An alert as lists and pages show it. */
export interface AlertView {
  ack_note?: string | null
  acknowledged_at?: string | null
  acknowledged_by?: string | null
  detail: unknown
  id: string
  kind: string
  /** How many times the condition opened (a flapping device counts up, one alert). */
  occurrences: number
  opened_at: string
  resolved_at?: string | null
  severity: string
  site: string
  /** open, acknowledged or resolved. */
  status: string
  title: string
  updated_at: string
}

export interface AnalyticsReport {
  asset_count_trend: Series
  category_trends: Series[]
  days: number
  most_changed_assets: MostChanged[]
  new_vs_missing: NewVsMissing[]
  scan_frequency: ScanDay[]
  since: string
}

export interface AssessedHost {
  ip: string
  modules: string[]
}

/** Everything known about one asset, for `/api/assets/{id}`. */
export type AssetDetail = AssetView & {
  certificates: CertificateView[]
  changes: ChangeView[]
  device_info?: DeviceInfo | null
  evidence: Evidence[]
  history: HistoryEntry[]
  /** The IPv6 addresses the asset's MAC answered from on its link, newest first. */
  ipv6: string[]
  mdns_services: string[]
  /**
   * Every name seen for the asset, with its source; `hostname` is the first of them by
   * source precedence.
   */
  names: SeenName[]
  /** Stored as JSON; the schema says what it holds. */
  services: Service[]
  snmp?: SnmpFacts | null
  switch_port_index?: number | null
  tagged_at?: string | null
}

/** One asset with its history, certificates, changes, risk and CVEs. */
export type AssetPage = AssetDetail & {
  risk: RiskProfile
  /** Open Shield findings on this asset, most severe first. */
  shield_findings: IssueView[]
  vulnerabilities: CveMatch[]
}

/** An asset as lists show it. Field names are a stable contract (`--json`, API). */
export interface AssetView {
  category: string
  category_tr: string
  change_count: number
  computed_category: string
  confidence: number
  confidence_level: string
  device_type: string
  first_seen: string
  hostname?: string | null
  id: string
  ip: string
  last_seen: string
  mac?: string | null
  manual_category?: string | null
  manual_note?: string | null
  missing: boolean
  missing_since?: string | null
  open_ports: number[]
  os_hint?: string | null
  sensitivity: string
  site: string
  switch_host?: string | null
  switch_port?: string | null
  vendor?: string | null
  vlan?: number | null
}

/** One vulnerable asset in the report. */
export interface AssetVulns {
  asset_id: string
  critical_count: number
  high_count: number
  hostname?: string | null
  ip: string
  kev_count: number
  low_count: number
  matches: CveMatch[]
  max_cvss: number
  medium_count: number
  site: string
  vendor?: string | null
}

/** An entry as the API shows it. */
export interface AuditView {
  action: string
  actor: string
  address?: string | null
  after?: unknown
  at: string
  before?: unknown
  id: string
  site?: string | null
  target?: string | null
}

/** USM authentication (RFC 3414; SHA-2 from RFC 7860). */
export type AuthProtocol = "md5" | "sha1" | "sha224" | "sha256" | "sha384" | "sha512"

export interface Breakdown {
  fully_classified: number
  manual_overrides: number
  partially_classified: number
  total_assets: number
  unclassified: number
}

/**
 * An unregistered switch or router heard with a management address: one click registers it
 * with the credentials of the switch that heard it.
 */
export interface Candidate {
  address: string
  capabilities: string[]
  /** The registered switch that heard it, and on which port. */
  heard_by: string
  heard_on: string
  name: string
  site: string
}

/** A certificate as the CLI and API show it. */
export interface CertificateView {
  asset_id?: string | null
  days_until_expiry?: number | null
  expiry_status: string
  fingerprint_sha256: string
  first_seen: string
  id: string
  ip: string
  issuer?: string | null
  key_bits?: number | null
  key_type?: string | null
  last_seen: string
  not_after?: string | null
  not_before?: string | null
  port: number
  sans: string[]
  self_signed: boolean
  serial?: string | null
  signature_algorithm?: string | null
  site: string
  subject_cn?: string | null
}

export interface ChangeView {
  asset_id: string
  change_type: string
  detected_at: string
  field?: string | null
  hostname?: string | null
  id: string
  ip: string
  mac?: string | null
  new_value?: string | null
  old_value?: string | null
  scan_id: string
  site: string
}

/** Fields left out keep their value. */
export interface ChannelChange {
  enabled?: boolean | null
  min_severity?: string | null
  schedule?: Schedule | null
}

/** A channel just made, with the HMAC key when the server generated it (shown this once). */
export interface ChannelCreated {
  channel: ChannelView
  hmac_key?: string | null
}

export type ChannelKind = "webhook" | "slack" | "teams" | "smtp" | "syslog"

/** A channel as it may be shown. */
export interface ChannelView {
  created_at: string
  enabled: boolean
  /** Failed sends in a row; 0 when the last one went through. */
  failures: number
  id: string
  kind: ChannelKind
  min_severity: string
  name: string
  /** After failures, messages for this channel wait until then (doubling, at most an hour). */
  paused_until?: string | null
  schedule: Schedule
  site?: string | null
  /** The host it sends to; never a URL's path or query. */
  target: string
}

export interface CheckList {
  checks: CheckView[]
}

export interface CheckView {
  attack_technique: string
  id: string
  module: string
  priority: string
  remediation_en: string
  remediation_tr: string
  severity: string
  title: string
}

/** What a command works on; fields a kind does not use are empty. */
export interface CommandArgs {
  /** `scan_now`: ports instead of the configured ones. */
  ports?: string | null
  /** `scan_now`: run the Shield checks after the scan. */
  shield?: boolean
  /** `scan_now`: targets instead of the configured ones (empty: the configured ones). */
  targets?: string[]
}

export type CommandKind = "scan_now" | "poll_switches" | "shield_now" | "rotate_token" | "reload_config"

/** A command as an agent receives it in its heartbeat answer. */
export interface CommandOrder {
  args?: CommandArgs
  /** Not acked by then, it expires. */
  expires_at: string
  id: string
  kind: CommandKind
}

/** How far a running command is. */
export interface CommandProgress {
  hosts_found?: number
  /** 0–100 when known. */
  percent?: number | null
  /** e.g. `scanning`, `delivering`. */
  phase?: string
}

/** What a finished command produced. */
export interface CommandResult {
  assets?: number | null
  changes?: number | null
  /** Why it failed, or a note on how it went. */
  detail?: string | null
  /** The scan a `scan_now` delivered. */
  scan_id?: string | null
}

/**
 * A command's life: queued → acked → running → completed or failed; expired when nobody
 * took it in time.
 */
export type CommandState = "queued" | "acked" | "running" | "completed" | "failed" | "expired"

/** `POST /api/agents/commands/{id}`: the agent's word on a command it was given. */
export interface CommandUpdate {
  progress?: CommandProgress | null
  result?: CommandResult | null
  /** acked, running, completed or failed. */
  state: CommandState
}

/** A command as the dashboard sees it. */
export interface CommandView {
  acked_at?: string | null
  agent_id: string
  args: CommandArgs
  expires_at: string
  finished_at?: string | null
  id: string
  issued_at: string
  issued_by: string
  kind: CommandKind
  progress?: CommandProgress | null
  result?: CommandResult | null
  site: string
  state: CommandState
}

export interface ComplianceReport {
  action_items: ActionItem[]
  /** Action items beyond the listed ones. */
  action_items_total: number
  breakdown: Breakdown
  compliance_score: number
  /** Assets per group (manual tags count as their tag). */
  distribution: Record<string, number>
  grade: string
  percentages: Record<string, number>
  sites: Scope[]
  subnets: Scope[]
}

/** One CVE found on one asset. */
export interface CveMatch {
  cve_id: string
  cvss: number
  fixed_in?: string | null
  /** Listed in CISA's Known Exploited Vulnerabilities catalogue. */
  kev: boolean
  port: number
  product: string
  severity: string
  summary: string
  version: string
}

export interface DatabaseHealth {
  /** `sqlite` or `postgres`. */
  backend: string
  reachable: boolean
  /** The newest applied migration. */
  schema_version?: string | null
}

export interface DayPoint {
  date: string
  value: number
}

/** One message's delivery, for the log. */
export interface DeliveryView {
  alert_id?: string | null
  attempts: number
  channel: string
  channel_id: string
  created_at: string
  /** opened, reopened, resolved or test. */
  event: string
  id: string
  idempotency_key: string
  last_error?: string | null
  next_attempt_at: string
  sent_at?: string | null
  /** pending, sending, sent or failed. */
  status: string
}

/**
 * What a device says it is, in its own words (UPnP description, mDNS device-info, IPP,
 * PJL, SMB, its DHCP requests): the facts device-type and OS rules read.
 */
export interface DeviceInfo {
  /** The DHCP client identifier (option 61), in hex. */
  dhcp_client_id?: string | null
  /** The options the DHCP client asks for (option 55), e.g. "1,3,6,15": an OS fingerprint. */
  dhcp_fingerprint?: string | null
  /** The DHCP client's vendor class (option 60), e.g. "MSFT 5.0" or "android-dhcp-13". */
  dhcp_vendor_class?: string | null
  /** Windows domain or workgroup. */
  domain?: string | null
  manufacturer?: string | null
  /** Model name, e.g. "HP LaserJet M404dn" or an Apple model id such as "iPhone14,2". */
  model?: string | null
  model_number?: string | null
  /**
   * The operating system the device reports, with a version where it gives one
   * (e.g. "Windows 10 (build 19045)").
   */
  os?: string | null
  serial?: string | null
  /** UPnP device type, e.g. `urn:schemas-upnp-org:device:MediaRenderer:1`. */
  upnp_type?: string | null
}

/** How a channel gathers its messages. */
export type Digest = "off" | "hourly" | "daily"

export interface Edge {
  /** `contains`, `gateway`, `uplink` or `port`. */
  kind: string
  label?: string | null
  source: string
  target: string
}

export interface EnrollmentList {
  enrollments: EnrollmentView[]
}

export interface EnrollmentRequest {
  /** Hours the token stays valid, 1-720 (default 24). */
  expires_hours?: number | null
  /** The site the agent will report into (created if new); `local` when absent. */
  site?: string | null
}

export interface EnrollmentView {
  agent_id?: string | null
  created_at: string
  expires_at: string
  id: string
  site: string
  /** active, used or expired. */
  state: string
  used_at?: string | null
}

/** The body of every error answer, on this channel and the others. */
export interface ErrorBody {
  /** A short reason, safe to show a user. */
  error: string
}

/** One reason behind a classification decision. */
export interface Evidence {
  category?: string | null
  device_type?: string | null
  /** The rule or signal that fired, e.g. `vendor:hikvision` or `port:9100`. */
  rule: string
  /** The observed value it matched. */
  value: string
  weight?: number
}

export interface Factors {
  age: number
  changes: number
  classification: number
  cve: number
  exposure: number
  /**
   * The most severe open Shield finding's weight (critical 1, high 0.75, medium 0.45, low
   * 0.2); the vulnerability factor takes the larger of it and `cve`.
   */
  shield: number
}

export interface Finding {
  /** MITRE ATT&CK technique, e.g. T1190. */
  attack_technique?: string | null
  /** Stable id of the check (`tls.protocol.tls10`); the remediation text is looked up by it. */
  check_id?: string | null
  cve_id?: string | null
  cvss_score?: number | null
  description?: string
  /** FIRST EPSS probability of exploitation in the next 30 days (0–1). */
  epss?: number | null
  /** Free-form details of what was seen: a JSON object, or absent. */
  evidence?: Record<string, unknown> | null
  /** Listed in CISA's Known Exploited Vulnerabilities catalogue. */
  kev?: boolean | null
  module: string
  port?: number | null
  remediation?: string
  severity: Severity
  target_ip?: string | null
  title: string
}

export interface FindingList {
  findings: FindingView[]
}

export interface FindingView {
  asset_id?: string | null
  attack_technique?: string | null
  check_id?: string | null
  cve_id?: string | null
  cvss_score?: number | null
  description: string
  epss?: number | null
  /** Whatever the check recorded (an object, or null when it recorded nothing). */
  evidence?: Record<string, unknown> | null
  id: string
  kev?: boolean | null
  module: string
  port?: number | null
  remediation: string
  /** The remediation in Turkish, from the catalogue (`remediation` is English). */
  remediation_tr?: string | null
  severity: string
  target_ip?: string | null
  title: string
}

export interface GearLink {
  /** `lldp`, `cdp`, or both (`lldp+cdp`) when both report it. */
  protocol: string
  source: string
  source_port: string
  target: string
  target_port: string
}

export interface GearNode {
  description?: string | null
  /** Devices placed on its access ports (all of them, drawn or not). */
  devices: number
  host?: string | null
  /** `gear:<site>/<host>` for registered devices, `heard:<site>/<chassis>` for the others. */
  id: string
  /**
   * `switch`, `router`, or for heard neighbours what they say they are: `wlan-ap`,
   * `phone`, `bridge`, `router`, `station`, `unknown`.
   */
  kind: string
  label: string
  mgmt_address?: string | null
  poll_error?: string | null
  registered: boolean
  site: string
  vlans: number[]
}

/** What a registered device is polled for. */
export type GearRole = "switch" | "router"

export interface Health {
  database: DatabaseHealth
  /** `ok` or `degraded`. */
  status: string
  version: string
}

/** The answer to a heartbeat. */
export interface HeartbeatAnswer {
  agent_id: string
  /** Commands for this agent, oldest first: ack each before running it. */
  commands?: CommandOrder[]
  /**
   * The site's current configuration version (0: none). When it differs from the one the
   * agent runs, the agent fetches `GET /api/agents/config`.
   */
  config_version?: number
  server_time: string
  state: AgentState
  update?: UpdateOffer | null
}

/** `POST /api/agents/heartbeat`. */
export interface HeartbeatRequest {
  activity?: Activity | null
  /** The site configuration version the agent runs (0: none). */
  config_version?: number | null
  /** The agent's heartbeat period in seconds (default 60); three missed make it stale. */
  heartbeat_seconds?: number | null
  /** The agent's last problem, shown on the dashboard (at most 512 characters). */
  last_error?: string | null
  last_scan_at?: string | null
  /** Reports waiting in the agent's offline queue. */
  queue_depth?: number
  scan_failure?: ScanFailure | null
  subnets?: string[] | null
  /** The platform the agent runs on (`x86_64-linux`): which releases it can take. */
  target?: string | null
  update?: UpdateReport | null
  version?: string | null
  /**
   * Hold the answer up to this many seconds (at most 25) until a command arrives: the
   * agent's long poll, so "scan now" starts within seconds.
   */
  wait_seconds?: number | null
}

/** One scan's snapshot of an asset. */
export interface HistoryEntry {
  category: string
  confidence: number
  hostname?: string | null
  ip: string
  method: string
  open_ports: number[]
  scan_id: string
  scanned_at: string
  target: string
}

/** The answer to `POST /api/ingest/discovery` (the body is a `ScanReport`). */
export interface IngestAnswer {
  /** True when this report id was stored before: nothing was written this time. */
  already_saved: boolean
  asset_count: number
  /** Change rows per change type. */
  changes: Record<string, number>
  scan_id: string
  site: string
}

/**
 * One page of the inventory plus the category counts of the whole filter (without its
 * category criterion, so the summary cards stay meaningful while one is selected).
 */
export type Inventory = Page_AssetView & {
  category_summary: Record<string, number>
}

export interface IssueView {
  asset_id?: string | null
  attack_technique?: string | null
  check_id: string
  cve_id?: string | null
  cvss_score?: number | null
  /** What the latest scan saw. */
  description: string
  epss?: number | null
  evidence?: Record<string, unknown> | null
  first_seen_at: string
  id: string
  kev?: boolean | null
  last_scan_id: string
  last_seen_at: string
  module: string
  port?: number | null
  /**
   * `quick_win` (a configuration change) or `important_fix` (a reissue, an upgrade, a
   * redesign).
   */
  priority: string
  remediation: Remediation
  reopened_count: number
  resolved_at?: string | null
  severity: string
  site: string
  /** `open` or `resolved`. */
  status: string
  target_ip?: string | null
  title: string
}

export interface Layer2 {
  candidates: Candidate[]
  devices: PlacedDevice[]
  /** Devices left out once `MAX_DEVICES` were drawn (counted on their switch still). */
  devices_omitted: number
  links: GearLink[]
  nodes: GearNode[]
  /** Every VLAN the shown switches carry or devices were learned in (for the filter). */
  vlans: number[]
}

export interface LoginRequest {
  password: string
  username: string
}

/** How an SMTP channel protects the connection. */
export type MailSecurity = "starttls" | "tls" | "none"

/**
 * A daily window, in UTC, optionally on some weekdays only. `start` after `end` spans
 * midnight (22:00 to 04:00).
 */
export interface MaintenanceWindow {
  /** `mon` … `sun`; empty: every day. The day is the one the window starts on. */
  days?: string[]
  /** `HH:MM`, UTC. */
  end?: string
  /** `HH:MM`, UTC. */
  start?: string
}

/** What a signature vouches for. */
export interface Manifest {
  date: string
  /** Lower-case hex. */
  sha256: string
  size: number
  /** `x86_64-linux`, `aarch64-linux`. */
  target: string
  version: string
}

export interface MostChanged {
  asset_id: string
  change_count: number
  hostname?: string | null
  ip: string
  last_change: string
  site: string
}

/**
 * Where a name was seen. The declaration order is the precedence of the fused hostname:
 * names an administrator or the host's own OS publishes for machines to resolve come
 * first, labels meant for people (UPnP friendly names) last.
 */
export type NameSource = "dns" | "smb" | "mdns" | "netbios" | "llmnr" | "snmp" | "dhcp" | "tls" | "upnp"

/** A new channel, as an admin gives it. */
export interface NewChannel {
  /** Syslog: `udp://host:port` or `tcp://host:port`. */
  address?: string | null
  /** Webhook: the HMAC key (write-only); generated and shown once when left out. */
  hmac_key?: string | null
  kind: ChannelKind
  /** Alerts below this severity are not sent here (default: low). */
  min_severity?: string | null
  name: string
  schedule?: Schedule | null
  /** Only this site's alerts; none: every site's. */
  site?: string | null
  smtp?: SmtpSettings | null
  /** Webhook, Slack, Teams: the URL to POST to (write-only). */
  url?: string | null
}

/** `POST /api/agents/{id}/commands`. */
export interface NewCommand {
  kind: CommandKind
  ports?: string | null
  shield?: boolean
  targets?: string[]
}

/** A new enrollment: `token` is shown once and never again. */
export interface NewEnrollment {
  expires_at: string
  id: string
  site: string
  token: string
}

export interface NewSubnet {
  cidr: string
  label?: string
  /** Site name (created if new); `local` when absent. */
  site?: string | null
  vlan_id?: number | null
}

export interface NewSwitch {
  /** SNMP community (v1/v2c): stored, never returned. */
  community?: string
  host: string
  label?: string
  /** `switch` (default) or `router`. */
  role?: GearRole
  site?: string | null
  /** `2c` (default), `1` or `3`. */
  snmp_version?: string | null
  usm?: UsmCredentials | null
}

export interface NewUser {
  /** At least 10 characters. */
  password: string
  /** `admin` or `viewer`. */
  role: string
  username: string
}

export interface NewVsMissing {
  date: string
  missing: number
  new: number
  returned: number
}

export interface Node {
  asset_id?: string | null
  category?: string | null
  device_type?: string | null
  id: string
  ip?: string | null
  /** `site`, `subnet`, `gateway`, `switch` or `device`. */
  kind: string
  label: string
  site: string
  switch_port?: string | null
}

export interface NotAssessed {
  module?: string | null
  reason: string
  /** `ip`, `ip:port` or a name. */
  target: string
}

/** One page of results with the total count of the filter. */
export interface Page_AlertView {
  items: ({
    ack_note?: string | null
    acknowledged_at?: string | null
    acknowledged_by?: string | null
    detail: unknown
    id: string
    kind: string
    /** How many times the condition opened (a flapping device counts up, one alert). */
    occurrences: number
    opened_at: string
    resolved_at?: string | null
    severity: string
    site: string
    /** open, acknowledged or resolved. */
    status: string
    title: string
    updated_at: string
  })[]
  /**
   * Where lists that page by cursor offer one: pass it as `cursor` for the page after
   * this one (absent on the last page). Unlike `page`, it costs the same however deep
   * the walk goes.
   */
  next_cursor?: string | null
  /** 1-based; 0 when the page was asked for by cursor. */
  page: number
  per_page: number
  total: number
}

/** One page of results with the total count of the filter. */
export interface Page_AssetView {
  items: ({
    category: string
    category_tr: string
    change_count: number
    computed_category: string
    confidence: number
    confidence_level: string
    device_type: string
    first_seen: string
    hostname?: string | null
    id: string
    ip: string
    last_seen: string
    mac?: string | null
    manual_category?: string | null
    manual_note?: string | null
    missing: boolean
    missing_since?: string | null
    open_ports: number[]
    os_hint?: string | null
    sensitivity: string
    site: string
    switch_host?: string | null
    switch_port?: string | null
    vendor?: string | null
    vlan?: number | null
  })[]
  /**
   * Where lists that page by cursor offer one: pass it as `cursor` for the page after
   * this one (absent on the last page). Unlike `page`, it costs the same however deep
   * the walk goes.
   */
  next_cursor?: string | null
  /** 1-based; 0 when the page was asked for by cursor. */
  page: number
  per_page: number
  total: number
}

/** One page of results with the total count of the filter. */
export interface Page_AuditView {
  items: ({
    action: string
    actor: string
    address?: string | null
    after?: unknown
    at: string
    before?: unknown
    id: string
    site?: string | null
    target?: string | null
  })[]
  /**
   * Where lists that page by cursor offer one: pass it as `cursor` for the page after
   * this one (absent on the last page). Unlike `page`, it costs the same however deep
   * the walk goes.
   */
  next_cursor?: string | null
  /** 1-based; 0 when the page was asked for by cursor. */
  page: number
  per_page: number
  total: number
}

/** One page of results with the total count of the filter. */
export interface Page_CertificateView {
  items: ({
    asset_id?: string | null
    days_until_expiry?: number | null
    expiry_status: string
    fingerprint_sha256: string
    first_seen: string
    id: string
    ip: string
    issuer?: string | null
    key_bits?: number | null
    key_type?: string | null
    last_seen: string
    not_after?: string | null
    not_before?: string | null
    port: number
    sans: string[]
    self_signed: boolean
    serial?: string | null
    signature_algorithm?: string | null
    site: string
    subject_cn?: string | null
  })[]
  /**
   * Where lists that page by cursor offer one: pass it as `cursor` for the page after
   * this one (absent on the last page). Unlike `page`, it costs the same however deep
   * the walk goes.
   */
  next_cursor?: string | null
  /** 1-based; 0 when the page was asked for by cursor. */
  page: number
  per_page: number
  total: number
}

/** One page of results with the total count of the filter. */
export interface Page_ChangeView {
  items: ({
    asset_id: string
    change_type: string
    detected_at: string
    field?: string | null
    hostname?: string | null
    id: string
    ip: string
    mac?: string | null
    new_value?: string | null
    old_value?: string | null
    scan_id: string
    site: string
  })[]
  /**
   * Where lists that page by cursor offer one: pass it as `cursor` for the page after
   * this one (absent on the last page). Unlike `page`, it costs the same however deep
   * the walk goes.
   */
  next_cursor?: string | null
  /** 1-based; 0 when the page was asked for by cursor. */
  page: number
  per_page: number
  total: number
}

/** One page of results with the total count of the filter. */
export interface Page_CommandView {
  items: ({
    acked_at?: string | null
    agent_id: string
    args: CommandArgs
    expires_at: string
    finished_at?: string | null
    id: string
    issued_at: string
    issued_by: string
    kind: CommandKind
    progress?: CommandProgress | null
    result?: CommandResult | null
    site: string
    state: CommandState
  })[]
  /**
   * Where lists that page by cursor offer one: pass it as `cursor` for the page after
   * this one (absent on the last page). Unlike `page`, it costs the same however deep
   * the walk goes.
   */
  next_cursor?: string | null
  /** 1-based; 0 when the page was asked for by cursor. */
  page: number
  per_page: number
  total: number
}

/** One page of results with the total count of the filter. */
export interface Page_DeliveryView {
  items: ({
    alert_id?: string | null
    attempts: number
    channel: string
    channel_id: string
    created_at: string
    /** opened, reopened, resolved or test. */
    event: string
    id: string
    idempotency_key: string
    last_error?: string | null
    next_attempt_at: string
    sent_at?: string | null
    /** pending, sending, sent or failed. */
    status: string
  })[]
  /**
   * Where lists that page by cursor offer one: pass it as `cursor` for the page after
   * this one (absent on the last page). Unlike `page`, it costs the same however deep
   * the walk goes.
   */
  next_cursor?: string | null
  /** 1-based; 0 when the page was asked for by cursor. */
  page: number
  per_page: number
  total: number
}

/** One page of results with the total count of the filter. */
export interface Page_IssueView {
  items: ({
    asset_id?: string | null
    attack_technique?: string | null
    check_id: string
    cve_id?: string | null
    cvss_score?: number | null
    /** What the latest scan saw. */
    description: string
    epss?: number | null
    evidence?: Record<string, unknown> | null
    first_seen_at: string
    id: string
    kev?: boolean | null
    last_scan_id: string
    last_seen_at: string
    module: string
    port?: number | null
    /**
     * `quick_win` (a configuration change) or `important_fix` (a reissue, an upgrade, a
     * redesign).
     */
    priority: string
    remediation: Remediation
    reopened_count: number
    resolved_at?: string | null
    severity: string
    site: string
    /** `open` or `resolved`. */
    status: string
    target_ip?: string | null
    title: string
  })[]
  /**
   * Where lists that page by cursor offer one: pass it as `cursor` for the page after
   * this one (absent on the last page). Unlike `page`, it costs the same however deep
   * the walk goes.
   */
  next_cursor?: string | null
  /** 1-based; 0 when the page was asked for by cursor. */
  page: number
  per_page: number
  total: number
}

/** One page of results with the total count of the filter. */
export interface Page_ScanView {
  items: ({
    agent_id?: string | null
    asset_count: number
    change_count: number
    completed_at?: string | null
    duration_seconds?: number | null
    id: string
    method: string
    partial: boolean
    privileges: Privileges
    report_id: string
    scanner_version: string
    site: string
    started_at: string
    target: string
  })[]
  /**
   * Where lists that page by cursor offer one: pass it as `cursor` for the page after
   * this one (absent on the last page). Unlike `page`, it costs the same however deep
   * the walk goes.
   */
  next_cursor?: string | null
  /** 1-based; 0 when the page was asked for by cursor. */
  page: number
  per_page: number
  total: number
}

/** One page of results with the total count of the filter. */
export interface Page_ShieldScanView {
  items: ({
    agent_id?: string | null
    completed_at?: string | null
    grade?: string | null
    id: string
    modules: string[]
    preset: string
    score?: number | null
    /** Findings per severity. */
    severity_counts: Record<string, number>
    site: string
    started_at: string
    target: string
  })[]
  /**
   * Where lists that page by cursor offer one: pass it as `cursor` for the page after
   * this one (absent on the last page). Unlike `page`, it costs the same however deep
   * the walk goes.
   */
  next_cursor?: string | null
  /** 1-based; 0 when the page was asked for by cursor. */
  page: number
  per_page: number
  total: number
}

export interface PlacedDevice {
  asset_id: string
  category: string
  device_type: string
  /** The gear node it hangs off. */
  gear: string
  ip: string
  label: string
  port: string
  vlan?: number | null
}

export interface PostureList {
  sites: SitePosture[]
}

export type Preset = "quick" | "standard" | "deep"

/**
 * USM privacy. `aes192c`/`aes256c` extend the key as Cisco does (Reeder); `aes192`/`aes256`
 * as net-snmp and most others do (Blumenthal).
 */
export type PrivProtocol = "des" | "aes128" | "aes192" | "aes256" | "aes192c" | "aes256c"

/** What the scanner was allowed to do, so a thin result can be explained. */
export interface Privileges {
  arp?: boolean
  icmp?: boolean
  raw_sockets?: boolean
}

/** `POST /api/agents/register`. */
export interface RegisterRequest {
  /** A one-time token from `bigr agent enroll` or the dashboard. */
  enroll_token?: string | null
  name: string
  /** The server's `AGENT_REGISTRATION_SECRET`. */
  secret?: string | null
  /**
   * The site to report into. With an enrollment token it must be the token's site (or
   * empty); with the shared secret it is created if new.
   */
  site?: string
  subnets?: string[]
  version?: string | null
}

/** The answer to a registration or a token rotation: the token is shown this once. */
export interface Registered {
  agent_id: string
  /**
   * The key the server's releases are signed with (`bigr-ed25519:…`): the agent pins it
   * and installs only what it signed. None: this server offers no updates.
   */
  release_public_key?: string | null
  site: string
  token: string
}

export interface ReleaseList {
  items: ReleaseView[]
  key_id?: string | null
  /**
   * The release public key the server checks manifests with and agents pin at
   * registration (`bigr-ed25519:…`); none: releases cannot be added.
   */
  public_key?: string | null
}

/** A release as the dashboard and the CLI see it. */
export interface ReleaseView {
  added_at: string
  added_by: string
  id: string
  key_id: string
  sha256: string
  signed_at: string
  size: number
  target: string
  version: string
}

/** Remediation in both languages, from the catalogue when the check is known. */
export interface Remediation {
  en: string
  tr: string
}

export interface RiskProfile {
  asset_id: string
  category: string
  cve_count: number
  factors: Factors
  hostname?: string | null
  ip: string
  mac?: string | null
  open_ports: number[]
  risk_level: string
  risk_score: number
  site: string
  top_cve?: string | null
  vendor?: string | null
}

export type RiskReport = RiskSummary & {
  page: number
  per_page: number
  /** One page of every profile, highest first. */
  profiles: RiskProfile[]
  /** Highest risks first. */
  top_risks: RiskProfile[]
  total: number
}

export interface RiskSummary {
  assets: number
  average_risk: number
  critical_count: number
  high_count: number
  info_count: number
  low_count: number
  max_risk: number
  medium_count: number
}

/** One rule as it applies. */
export interface Rule {
  enabled: boolean
  kind: AlertKind
  params: RuleParams
  severity: string
  /** The site the stored rule is for; None for every site (or the default). */
  site?: string | null
  /** False when nothing is stored and the default applies. */
  stored: boolean
}

/** A change to one rule; fields left None keep their value. */
export interface RuleChange {
  enabled?: boolean | null
  params?: RuleParams | null
  severity?: string | null
}

/** Options of the kinds that have some; unknown fields are refused. */
export interface RuleParams {
  /** new_device: MAC addresses that are expected, never alerted. */
  approved_macs?: string[]
  /** new_device: vendors (case-insensitive substrings) that are expected, never alerted. */
  approved_vendors?: string[]
  /** cert_expiring: days before expiry (default 30). */
  days?: number | null
  /** new_device: only devices whose vendor is unknown. */
  unknown_vendor_only?: boolean
}

export interface ScanDay {
  assets_reported: number
  date: string
  scan_count: number
}

/** A scan an agent could not finish. */
export interface ScanFailure {
  at: string
  /** At most 512 characters. */
  reason: string
}

export interface ScanView {
  agent_id?: string | null
  asset_count: number
  change_count: number
  completed_at?: string | null
  duration_seconds?: number | null
  id: string
  method: string
  partial: boolean
  privileges: Privileges
  report_id: string
  scanner_version: string
  site: string
  started_at: string
  target: string
}

/** A channel's delivery schedule. */
export interface Schedule {
  /** Daily digests: local time `HH:MM` (default 08:00). */
  daily_at?: string | null
  digest?: Digest
  /**
   * Local `HH:MM-HH:MM` (may wrap midnight, e.g. 22:00-07:00): messages due in between
   * wait for its end, then go out together.
   */
  quiet_hours?: string | null
  /** IANA time zone of the times above (default Europe/Istanbul). */
  timezone?: string | null
  /** Messages of this severity or above skip digests and quiet hours (default critical). */
  urgent?: string | null
}

export interface Scope {
  breakdown: Breakdown
  grade: string
  label?: string | null
  /** Site name, or the subnet's CIDR. */
  name: string
  score: number
}

/** One name seen for a host. */
export interface SeenName {
  name: string
  source: NameSource
}

export interface Series {
  name: string
  points: DayPoint[]
}

/** A service found on an open port. */
export interface Service {
  banner?: string | null
  http_server?: string | null
  http_title?: string | null
  name?: string | null
  port: number
  /** The name comes from the port number alone (no probe of the protocol answered). */
  port_only?: boolean
  product?: string | null
  protocol?: string
  tls?: boolean
  version?: string | null
}

/** The session as the dashboard needs it: who, and the token to send on writes. */
export interface SessionInfo {
  /** Send as `X-CSRF-Token` on every POST, PUT and DELETE. */
  csrf_token: string
  expires_at: string
  user: SessionUser
}

/** The signed-in user as the API shows it. */
export interface SessionUser {
  id: string
  /** `admin` or `viewer`. */
  role: string
  username: string
}

export type Severity = "critical" | "high" | "medium" | "low" | "info"

/** Whether and how often the site's agents run Shield checks. */
export interface ShieldPlan {
  /** Hours between two Shield runs (1 to 720). */
  every_hours?: number | null
  /** `quick`, `standard` or `deep`; unset: no scheduled Shield run. */
  preset?: string | null
}

export interface ShieldReport {
  completed_at?: string | null
  findings?: Finding[]
  grade?: string | null
  /**
   * The hosts checked and which modules reached them: a finding of such a module on such a
   * host that this report does not repeat is resolved.
   */
  hosts?: AssessedHost[]
  /** Chosen by the agent: a re-sent report is stored once. */
  id: string
  /** The modules that ran. */
  modules?: string[]
  /** What could not be assessed and why (unreachable, refused, timed out): never a finding. */
  not_assessed?: NotAssessed[]
  preset: Preset
  /** 0–100 over the modules that ran. */
  score?: number | null
  started_at: string
  target: string
}

/** The answer to `POST /api/ingest/shield` (the body is a `ShieldReport`). */
export interface ShieldSaved {
  already_saved: boolean
  findings: number
  grade?: string | null
  /** The score and grade the server computed from the findings (a sender's are ignored). */
  score?: number | null
  shield_scan_id: string
  site: string
}

export type ShieldScanDetail = ShieldScanView & {
  findings: FindingView[]
  hosts: Record<string, unknown>[]
  /** Score of each module that ran. */
  module_scores: Record<string, number>
  not_assessed: Record<string, unknown>[]
}

export interface ShieldScanView {
  agent_id?: string | null
  completed_at?: string | null
  grade?: string | null
  id: string
  modules: string[]
  preset: string
  score?: number | null
  /** Findings per severity. */
  severity_counts: Record<string, number>
  site: string
  started_at: string
  target: string
}

/**
 * A manifest as written to a file and sent to agents: the signed part, the id of the key
 * that signed it and the signature (base64).
 */
export interface SignedManifest {
  key_id: string
  signature: string
  signed: Manifest
}

/**
 * `GET /api/agents/config`: everything an agent of the site needs to scan as the server
 * says. Answers accept unknown fields, so a newer server can add settings.
 */
export interface SiteConfig {
  /** Assets to probe gently: marked fragile, of a fragile type, or in `settings.fragile`. */
  fragile_ips?: string[]
  settings: SiteSettings
  site: string
  /** The site's registered subnets: scanned beside the settings' targets. */
  subnets?: string[]
  switches?: SwitchCredentials[]
  /** Steps by one whenever anything below changes; 0: the site has no configuration. */
  version: number
}

/** What the dashboard sees of a site's configuration: no credentials. */
export interface SiteConfigView {
  fragile_count: number
  /** The first 1 000 fragile addresses; `fragile_count` says how many agents are sent. */
  fragile_ips: string[]
  settings: SiteSettings
  site: string
  subnets: string[]
  /** The switches agents poll (their communities stay on the server). */
  switches: string[]
  updated_at?: string | null
  updated_by?: string | null
  version: number
}

export interface SiteList {
  sites: SiteSummary[]
}

export interface SitePosture {
  grade?: string | null
  last_scan_at?: string | null
  last_scan_id?: string | null
  module_scores: Record<string, number>
  /** Open findings per severity. */
  open: Record<string, number>
  /** The latest scored scan's. */
  score?: number | null
  site: string
  /** Scores of the latest scans, oldest first. */
  trend: TrendPoint[]
}

/**
 * What an admin sets for a site. Every field is optional in effect: an empty list or an
 * unset value leaves the agent's own choice (its `agent.yaml`) in force.
 */
export interface SiteSettings {
  /** Addresses, networks or ranges no agent of the site probes. */
  exclude?: string[]
  /**
   * Addresses or networks probed gently (no banners, no TLS, no UDP name questions),
   * beside the assets the classifier marked fragile.
   */
  fragile?: string[]
  /** Device types probed gently wherever they are, e.g. `printer`, `camera`, `iot`. */
  fragile_types?: string[]
  /** Seconds between two scans (60 to 604 800). */
  interval_seconds?: number | null
  maintenance?: MaintenanceWindow | null
  /** TCP connections in flight at once. */
  max_concurrency?: number | null
  /** `default`, `none` (discovery only) or a list and ranges such as `22,80,8000-8100`. */
  ports?: string | null
  /** ARP and ICMP packets per second. */
  rate?: number | null
  shield?: ShieldPlan
  /** Targets besides the site's registered subnets: IPs, networks, ranges or host names. */
  targets?: string[]
  /** Whether the site's agents install signed releases by themselves (off by default). */
  updates?: UpdatePolicy
}

/** A site with its inventory size and latest scan, for `/api/sites`. */
export interface SiteSummary {
  asset_count: number
  created_at: string
  /** Generated demo data (`bigr demo load`), not a real network. */
  demo: boolean
  id: string
  last_scan_at?: string | null
  missing_count: number
  name: string
  scan_count: number
}

/** An SMTP channel's relay, sender and recipients. */
export interface SmtpSettings {
  /**
   * A CA certificate (PEM) the relay's certificate chains to, for relays with an
   * internal CA; the system's public roots are trusted as well.
   */
  ca_pem?: string | null
  from: string
  host: string
  /** `tr` (default) or `en`. */
  lang?: string | null
  /** Write-only. */
  password?: string | null
  /** Default: 587 with STARTTLS, 465 with TLS, 25 without. */
  port?: number | null
  security?: MailSecurity
  to: string[]
  username?: string | null
}

export interface SnmpFacts {
  sys_descr?: string | null
  sys_name?: string | null
  sys_object_id?: string | null
}

export interface SubnetList {
  subnets: SubnetView[]
}

export interface SubnetView {
  asset_count: number
  cidr: string
  created_at: string
  id: string
  label: string
  last_scanned_at?: string | null
  site: string
  vlan_id?: number | null
}

/**
 * A switch or router to poll, with what it takes to reach it. Sent only to agents of its
 * own site; `{:?}` shows neither the community nor any pass phrase.
 */
export interface SwitchCredentials {
  /** v1/v2c only; empty for v3. */
  community?: string
  host: string
  role?: GearRole
  /** `2c`, `1` or `3`. */
  snmp_version: string
  usm?: UsmCredentials | null
}

export interface SwitchList {
  switches: SwitchView[]
}

/** A switch or router as every reader sees it: no community, no pass phrase. */
export interface SwitchView {
  auth?: string | null
  /**
   * From the last poll: its LLDP chassis id and system name, VLANs (id and name), the
   * devices a router's address table listed, and why the poll failed.
   */
  chassis_id?: string | null
  community_set: boolean
  context?: string | null
  host: string
  id: string
  label: string
  last_polled_at?: string | null
  mac_count: number
  poll_error?: string | null
  privacy?: string | null
  /** `switch` or `router`. */
  role: GearRole
  routed_count: number
  site: string
  /** SNMPv3 user, protocols and context (the pass phrases are never shown). */
  snmp_user?: string | null
  snmp_version: string
  sys_name?: string | null
  vlans: VlanView[]
}

export interface TagRequest {
  /** ag_ve_sistemler, uygulamalar, iot or tasinabilir. */
  category: string
  note?: string | null
}

export interface Topology {
  assets: number
  /** Devices left out because the graph reached MAX_DEVICES. */
  devices_omitted: number
  edges: Edge[]
  node_kinds: Record<string, number>
  nodes: Node[]
}

export interface TrendPoint {
  at: string
  grade: string
  score: number
}

/**
 * A release the agent should install: its signed manifest (the agent checks it against the
 * key it pinned at registration) and where to download the binary.
 */
export interface UpdateOffer {
  /** A path on this server, fetched with the agent's token. */
  download: string
  manifest: SignedManifest
  /** The site pins this version: it may be older than the one running. */
  pinned?: boolean
}

/** Whether and how a site's agents update themselves. Off unless an admin turns it on. */
export interface UpdatePolicy {
  /** Agents of the site install new releases by themselves. */
  auto?: boolean
  /** Run exactly this version (also an older one: the way back from a bad release). */
  pinned_version?: string | null
  /**
   * A staged rollout: this percentage of the site's agents (1 to 100; default 100) takes
   * a new version; the same agents each time for one version.
   */
  rollout_percent?: number | null
}

/** What an agent says of its latest update in each heartbeat until the state changes. */
export interface UpdateReport {
  at: string
  /** Why it was refused or rolled back (at most 512 characters). */
  reason?: string | null
  state: UpdateState
  /** The version the update was to (at most 32 characters). */
  version: string
}

/** Where an agent's latest update stands. */
export type UpdateState = "updating" | "updated" | "refused" | "rolled_back"

export interface UserChange {
  password?: string | null
  role?: string | null
}

export interface UserList {
  users: UserView[]
}

/** A user as listed: never the hash. */
export interface UserView {
  created_at: string
  id: string
  last_login_at?: string | null
  role: string
  username: string
}

/** An SNMPv3 user's credentials. */
export interface UsmCredentials {
  auth: AuthProtocol
  /** Write-only: stored for the poller, never shown. */
  auth_pass: string
  /** SNMPv3 context (per-VLAN tables on Cisco: `vlan-10`); empty: the default context. */
  context?: string
  /** Write-only; required with `privacy`. */
  priv_pass?: string
  privacy?: PrivProtocol | null
  user: string
}

/** How many agents run each version. */
export interface VersionCount {
  agents: number
  /** None: the agent never said. */
  version?: string | null
}

/** A VLAN a switch carries. */
export interface VlanView {
  id: number
  name?: string | null
}

/**
 * `/api/vulnerabilities` and `bigr vulns`: totals over the whole inventory plus one page of
 * vulnerable assets, worst first (actively exploited first, then highest CVSS).
 */
export interface VulnReport {
  /** One page of the listed assets (all vulnerable ones, or only those with KEV entries). */
  assets: AssetVulns[]
  assets_scanned: number
  /** Matches per severity over every vulnerable asset. */
  by_severity: Record<string, number>
  kev_assets: number
  page: number
  per_page: number
  snapshot_date: string
  snapshot_entries: number
  /** How many assets the listing has in all. */
  total: number
  vulnerable_assets: number
}

// --- operations ----------------------------------------------------------------

/** Every operation by operationId: where it lives and what goes in and out. */
export interface Operations {
  agent_list: {
    method: "GET"
    path: "/api/agents"
    pathParams: never
    query: {
      site?: string
    }
    body: never
    response: AgentList
  }
  command_report: {
    method: "POST"
    path: "/api/agents/commands/{id}"
    pathParams: {
      id: string
    }
    query: never
    body: CommandUpdate
    response: CommandView
  }
  site_config: {
    method: "GET"
    path: "/api/agents/config"
    pathParams: never
    query: never
    body: never
    response: SiteConfig
  }
  enrollment_list: {
    method: "GET"
    path: "/api/agents/enrollments"
    pathParams: never
    query: never
    body: never
    response: EnrollmentList
  }
  enrollment_add: {
    method: "POST"
    path: "/api/agents/enrollments"
    pathParams: never
    query: never
    body: EnrollmentRequest
    response: NewEnrollment
  }
  enrollment_remove: {
    method: "DELETE"
    path: "/api/agents/enrollments/{id}"
    pathParams: {
      id: string
    }
    query: never
    body: never
    response: void
  }
  heartbeat: {
    method: "POST"
    path: "/api/agents/heartbeat"
    pathParams: never
    query: never
    body: HeartbeatRequest
    response: HeartbeatAnswer
  }
  register: {
    method: "POST"
    path: "/api/agents/register"
    pathParams: never
    query: never
    body: RegisterRequest
    response: Registered
  }
  rotate_own_token: {
    method: "POST"
    path: "/api/agents/rotate-token"
    pathParams: never
    query: never
    body: never
    response: Registered
  }
  agent_versions: {
    method: "GET"
    path: "/api/agents/versions"
    pathParams: never
    query: never
    body: never
    response: VersionCount[]
  }
  agent_remove: {
    method: "DELETE"
    path: "/api/agents/{id}"
    pathParams: {
      id: string
    }
    query: never
    body: never
    response: void
  }
  command_list: {
    method: "GET"
    path: "/api/agents/{id}/commands"
    pathParams: {
      id: string
    }
    query: {
      page?: number
      per_page?: number
    }
    body: never
    response: Page_CommandView
  }
  command_issue: {
    method: "POST"
    path: "/api/agents/{id}/commands"
    pathParams: {
      id: string
    }
    query: never
    body: NewCommand
    response: CommandView
  }
  agent_revoke: {
    method: "POST"
    path: "/api/agents/{id}/revoke"
    pathParams: {
      id: string
    }
    query: never
    body: never
    response: AgentView
  }
  agent_rotate: {
    method: "POST"
    path: "/api/agents/{id}/rotate"
    pathParams: {
      id: string
    }
    query: never
    body: never
    response: Registered
  }
  alert_list: {
    method: "GET"
    path: "/api/alerts"
    pathParams: never
    query: {
      site?: string
      /** open, acknowledged, resolved, or active (open and acknowledged). */
      status?: string
      kind?: string
      severity?: string
      page?: number
      per_page?: number
    }
    body: never
    response: Page_AlertView
  }
  channel_list: {
    method: "GET"
    path: "/api/alerts/channels"
    pathParams: never
    query: {
      /** A site's rules or channels (with those for every site); none: those for every site. */
      site?: string
    }
    body: never
    response: ChannelView[]
  }
  channel_add: {
    method: "POST"
    path: "/api/alerts/channels"
    pathParams: never
    query: never
    body: NewChannel
    response: ChannelCreated
  }
  channel_remove: {
    method: "DELETE"
    path: "/api/alerts/channels/{id}"
    pathParams: {
      id: string
    }
    query: never
    body: never
    response: void
  }
  channel_update: {
    method: "PATCH"
    path: "/api/alerts/channels/{id}"
    pathParams: {
      id: string
    }
    query: never
    body: ChannelChange
    response: ChannelView
  }
  channel_test: {
    method: "POST"
    path: "/api/alerts/channels/{id}/test"
    pathParams: {
      id: string
    }
    query: never
    body: never
    response: DeliveryView
  }
  delivery_list: {
    method: "GET"
    path: "/api/alerts/deliveries"
    pathParams: never
    query: {
      alert?: string
      channel?: string
      page?: number
      per_page?: number
    }
    body: never
    response: Page_DeliveryView
  }
  rule_list: {
    method: "GET"
    path: "/api/alerts/rules"
    pathParams: never
    query: {
      /** A site's rules or channels (with those for every site); none: those for every site. */
      site?: string
    }
    body: never
    response: Rule[]
  }
  rule_set: {
    method: "PUT"
    path: "/api/alerts/rules/{kind}"
    pathParams: {
      kind: AlertKind
    }
    query: {
      /** A site's rules or channels (with those for every site); none: those for every site. */
      site?: string
    }
    body: RuleChange
    response: Rule
  }
  alert_get: {
    method: "GET"
    path: "/api/alerts/{id}"
    pathParams: {
      id: string
    }
    query: never
    body: never
    response: AlertView
  }
  alert_ack: {
    method: "POST"
    path: "/api/alerts/{id}/ack"
    pathParams: {
      id: string
    }
    query: never
    body: Acknowledge
    response: AlertView
  }
  analytics_report: {
    method: "GET"
    path: "/api/analytics"
    pathParams: never
    query: {
      site?: string
      /** Window in days, 1-366 (default 30). */
      days?: number
    }
    body: never
    response: AnalyticsReport
  }
  asset: {
    method: "GET"
    path: "/api/assets/{id}"
    pathParams: {
      /** Asset id */
      id: string
    }
    query: never
    body: never
    response: AssetPage
  }
  tag: {
    method: "PUT"
    path: "/api/assets/{id}/tag"
    pathParams: {
      /** Asset id */
      id: string
    }
    query: never
    body: TagRequest
    response: AssetView
  }
  untag: {
    method: "DELETE"
    path: "/api/assets/{id}/tag"
    pathParams: {
      /** Asset id */
      id: string
    }
    query: never
    body: never
    response: AssetView
  }
  audit_list: {
    method: "GET"
    path: "/api/audit"
    pathParams: never
    query: {
      /** The user who acted. */
      user?: string
      /** An action (`subnet.add`) or a prefix ending in `.` (`agent.`). */
      action?: string
      site?: string
      /** From this instant (inclusive), RFC 3339. */
      from?: string
      /** Until this instant (exclusive), RFC 3339. */
      to?: string
      page?: number
      per_page?: number
    }
    body: never
    response: Page_AuditView
  }
  login: {
    method: "POST"
    path: "/api/auth/login"
    pathParams: never
    query: never
    body: LoginRequest
    response: SessionInfo
  }
  logout: {
    method: "POST"
    path: "/api/auth/logout"
    pathParams: never
    query: never
    body: never
    response: void
  }
  me: {
    method: "GET"
    path: "/api/auth/me"
    pathParams: never
    query: never
    body: never
    response: SessionInfo
  }
  certificate_list: {
    method: "GET"
    path: "/api/certificates"
    pathParams: never
    query: {
      site?: string
      /** Only certificates that expire within this many days (0-3650); expired ones included. */
      expiring_days?: number
      self_signed?: boolean
      page?: number
      per_page?: number
    }
    body: never
    response: Page_CertificateView
  }
  change_list: {
    method: "GET"
    path: "/api/changes"
    pathParams: never
    query: {
      site?: string
      /** new_asset, ip_changed, field_changed, ports_opened, ports_closed, asset_missing, asset_returned. */
      type?: string
      /** Asset id. */
      asset?: string
      /** Scan id (`/api/scans`): only the changes that scan produced. */
      scan?: string
      /** RFC 3339 time: changes at or after it. */
      since?: string
      until?: string
      /** 1-based page number (its cost grows with the number); not with `cursor`. */
      page?: number
      per_page?: number
      /** `next_cursor` of the page before: the next page at the cost of the first. */
      cursor?: string
    }
    body: never
    response: Page_ChangeView
  }
  command_get: {
    method: "GET"
    path: "/api/commands/{id}"
    pathParams: {
      id: string
    }
    query: never
    body: never
    response: CommandView
  }
  compliance_report: {
    method: "GET"
    path: "/api/compliance"
    pathParams: never
    query: {
      site?: string
    }
    body: never
    response: ComplianceReport
  }
  data: {
    method: "GET"
    path: "/api/data"
    pathParams: never
    query: {
      /** Site name; all sites when absent. */
      site?: string
      /** CIDR: assets whose address is inside it. */
      subnet?: string
      /** ag_ve_sistemler, uygulamalar, iot, tasinabilir or unclassified. */
      category?: string
      device_type?: string
      /** high, medium, low or unclassified. */
      confidence?: string
      missing?: boolean
      /** Assets a switch learned in this VLAN (1-4094). */
      vlan?: number
      /** Text in the IP, MAC, hostname or vendor. */
      q?: string
      /** ip, hostname, vendor, category, device_type, confidence, first_seen, last_seen. */
      sort?: string
      /** asc or desc. */
      order?: string
      /** 1-based page number (its cost grows with the number); not with `cursor`. */
      page?: number
      per_page?: number
      /**
       * `next_cursor` of the page before: the next page at the cost of the first. The sort
       * and order must be those the cursor came from.
       */
      cursor?: string
    }
    body: never
    response: Inventory
  }
  health: {
    method: "GET"
    path: "/api/health"
    pathParams: never
    query: never
    body: never
    response: Health
  }
  discovery: {
    method: "POST"
    path: "/api/ingest/discovery"
    pathParams: never
    query: never
    body: Record<string, unknown>
    response: IngestAnswer
  }
  shield: {
    method: "POST"
    path: "/api/ingest/shield"
    pathParams: never
    query: never
    body: ShieldReport
    response: ShieldSaved
  }
  release_list: {
    method: "GET"
    path: "/api/releases"
    pathParams: never
    query: never
    body: never
    response: ReleaseList
  }
  release_add: {
    method: "POST"
    path: "/api/releases"
    pathParams: never
    query: never
    body: Blob
    /** The body goes as raw bytes with this Content-Type, not as JSON. */
    rawBody: "application/octet-stream"
    response: ReleaseView
  }
  release_remove: {
    method: "DELETE"
    path: "/api/releases/{id}"
    pathParams: {
      id: string
    }
    query: never
    body: never
    response: ReleaseView
  }
  risk_report: {
    method: "GET"
    path: "/api/risk"
    pathParams: never
    query: {
      site?: string
      page?: number
      per_page?: number
    }
    body: never
    response: RiskReport
  }
  scan_list: {
    method: "GET"
    path: "/api/scans"
    pathParams: never
    query: {
      site?: string
      page?: number
      per_page?: number
    }
    body: never
    response: Page_ScanView
  }
  checks: {
    method: "GET"
    path: "/api/shield/checks"
    pathParams: never
    query: never
    body: never
    response: CheckList
  }
  findings: {
    method: "GET"
    path: "/api/shield/findings"
    pathParams: never
    query: {
      site?: string
      /** critical, high, medium, low or info. */
      severity?: string
      /** tls, ports, headers, dns, cve, creds or owasp. */
      module?: string
      /** An asset id. */
      asset?: string
      /** open or resolved; both when absent. */
      status?: string
      page?: number
      per_page?: number
    }
    body: never
    response: Page_IssueView
  }
  posture: {
    method: "GET"
    path: "/api/shield/posture"
    pathParams: never
    query: {
      site?: string
    }
    body: never
    response: PostureList
  }
  shield_scans: {
    method: "GET"
    path: "/api/shield/scans"
    pathParams: never
    query: {
      site?: string
      page?: number
      per_page?: number
    }
    body: never
    response: Page_ShieldScanView
  }
  shield_scan: {
    method: "GET"
    path: "/api/shield/scans/{id}"
    pathParams: {
      id: string
    }
    query: never
    body: never
    response: ShieldScanDetail
  }
  shield_findings: {
    method: "GET"
    path: "/api/shield/scans/{id}/findings"
    pathParams: {
      id: string
    }
    query: never
    body: never
    response: FindingList
  }
  site_list: {
    method: "GET"
    path: "/api/sites"
    pathParams: never
    query: never
    body: never
    response: SiteList
  }
  config_get: {
    method: "GET"
    path: "/api/sites/{site}/config"
    pathParams: {
      site: string
    }
    query: never
    body: never
    response: SiteConfigView
  }
  config_put: {
    method: "PUT"
    path: "/api/sites/{site}/config"
    pathParams: {
      site: string
    }
    query: never
    body: SiteSettings
    response: SiteConfigView
  }
  subnet_list: {
    method: "GET"
    path: "/api/subnets"
    pathParams: never
    query: {
      site?: string
    }
    body: never
    response: SubnetList
  }
  subnet_add: {
    method: "POST"
    path: "/api/subnets"
    pathParams: never
    query: never
    body: NewSubnet
    response: SubnetView
  }
  subnet_remove: {
    method: "DELETE"
    path: "/api/subnets"
    pathParams: never
    query: {
      site?: string
      cidr: string
    }
    body: never
    response: void
  }
  switch_list: {
    method: "GET"
    path: "/api/switches"
    pathParams: never
    query: {
      site?: string
    }
    body: never
    response: SwitchList
  }
  switch_add: {
    method: "POST"
    path: "/api/switches"
    pathParams: never
    query: never
    body: NewSwitch
    response: SwitchView
  }
  switch_remove: {
    method: "DELETE"
    path: "/api/switches"
    pathParams: never
    query: {
      site?: string
      host: string
    }
    body: never
    response: void
  }
  candidate_accept: {
    method: "POST"
    path: "/api/switches/candidates"
    pathParams: never
    query: never
    body: AcceptCandidate
    response: SwitchView
  }
  topology_graph: {
    method: "GET"
    path: "/api/topology"
    pathParams: never
    query: {
      site?: string
      /** Only the part of the graph inside this network (CIDR): a subnet opened on demand. */
      subnet?: string
    }
    body: never
    response: Topology
  }
  layer2_graph: {
    method: "GET"
    path: "/api/topology/layer2"
    pathParams: never
    query: {
      site?: string
      /** Only the switches carrying this VLAN and the devices learned in it. */
      vlan?: number
    }
    body: never
    response: Layer2
  }
  user_list: {
    method: "GET"
    path: "/api/users"
    pathParams: never
    query: never
    body: never
    response: UserList
  }
  user_add: {
    method: "POST"
    path: "/api/users"
    pathParams: never
    query: never
    body: NewUser
    response: UserView
  }
  user_change: {
    method: "PUT"
    path: "/api/users/{username}"
    pathParams: {
      username: string
    }
    query: never
    body: UserChange
    response: UserView
  }
  user_remove: {
    method: "DELETE"
    path: "/api/users/{username}"
    pathParams: {
      username: string
    }
    query: never
    body: never
    response: void
  }
  vulnerability_report: {
    method: "GET"
    path: "/api/vulnerabilities"
    pathParams: never
    query: {
      site?: string
      /** Only assets with an actively exploited (CISA KEV) CVE. */
      kev?: boolean
      page?: number
      per_page?: number
    }
    body: never
    response: VulnReport
  }
}

/** Method and path template of every operation, for the client at run time. */
export const OPERATIONS = {
  agent_list: { method: "GET", path: "/api/agents" },
  command_report: { method: "POST", path: "/api/agents/commands/{id}" },
  site_config: { method: "GET", path: "/api/agents/config" },
  enrollment_list: { method: "GET", path: "/api/agents/enrollments" },
  enrollment_add: { method: "POST", path: "/api/agents/enrollments" },
  enrollment_remove: { method: "DELETE", path: "/api/agents/enrollments/{id}" },
  heartbeat: { method: "POST", path: "/api/agents/heartbeat" },
  register: { method: "POST", path: "/api/agents/register" },
  rotate_own_token: { method: "POST", path: "/api/agents/rotate-token" },
  agent_versions: { method: "GET", path: "/api/agents/versions" },
  agent_remove: { method: "DELETE", path: "/api/agents/{id}" },
  command_list: { method: "GET", path: "/api/agents/{id}/commands" },
  command_issue: { method: "POST", path: "/api/agents/{id}/commands" },
  agent_revoke: { method: "POST", path: "/api/agents/{id}/revoke" },
  agent_rotate: { method: "POST", path: "/api/agents/{id}/rotate" },
  alert_list: { method: "GET", path: "/api/alerts" },
  channel_list: { method: "GET", path: "/api/alerts/channels" },
  channel_add: { method: "POST", path: "/api/alerts/channels" },
  channel_remove: { method: "DELETE", path: "/api/alerts/channels/{id}" },
  channel_update: { method: "PATCH", path: "/api/alerts/channels/{id}" },
  channel_test: { method: "POST", path: "/api/alerts/channels/{id}/test" },
  delivery_list: { method: "GET", path: "/api/alerts/deliveries" },
  rule_list: { method: "GET", path: "/api/alerts/rules" },
  rule_set: { method: "PUT", path: "/api/alerts/rules/{kind}" },
  alert_get: { method: "GET", path: "/api/alerts/{id}" },
  alert_ack: { method: "POST", path: "/api/alerts/{id}/ack" },
  analytics_report: { method: "GET", path: "/api/analytics" },
  asset: { method: "GET", path: "/api/assets/{id}" },
  tag: { method: "PUT", path: "/api/assets/{id}/tag" },
  untag: { method: "DELETE", path: "/api/assets/{id}/tag" },
  audit_list: { method: "GET", path: "/api/audit" },
  login: { method: "POST", path: "/api/auth/login" },
  logout: { method: "POST", path: "/api/auth/logout" },
  me: { method: "GET", path: "/api/auth/me" },
  certificate_list: { method: "GET", path: "/api/certificates" },
  change_list: { method: "GET", path: "/api/changes" },
  command_get: { method: "GET", path: "/api/commands/{id}" },
  compliance_report: { method: "GET", path: "/api/compliance" },
  data: { method: "GET", path: "/api/data" },
  health: { method: "GET", path: "/api/health" },
  discovery: { method: "POST", path: "/api/ingest/discovery" },
  shield: { method: "POST", path: "/api/ingest/shield" },
  release_list: { method: "GET", path: "/api/releases" },
  release_add: { method: "POST", path: "/api/releases", rawBody: "application/octet-stream" },
  release_remove: { method: "DELETE", path: "/api/releases/{id}" },
  risk_report: { method: "GET", path: "/api/risk" },
  scan_list: { method: "GET", path: "/api/scans" },
  checks: { method: "GET", path: "/api/shield/checks" },
  findings: { method: "GET", path: "/api/shield/findings" },
  posture: { method: "GET", path: "/api/shield/posture" },
  shield_scans: { method: "GET", path: "/api/shield/scans" },
  shield_scan: { method: "GET", path: "/api/shield/scans/{id}" },
  shield_findings: { method: "GET", path: "/api/shield/scans/{id}/findings" },
  site_list: { method: "GET", path: "/api/sites" },
  config_get: { method: "GET", path: "/api/sites/{site}/config" },
  config_put: { method: "PUT", path: "/api/sites/{site}/config" },
  subnet_list: { method: "GET", path: "/api/subnets" },
  subnet_add: { method: "POST", path: "/api/subnets" },
  subnet_remove: { method: "DELETE", path: "/api/subnets" },
  switch_list: { method: "GET", path: "/api/switches" },
  switch_add: { method: "POST", path: "/api/switches" },
  switch_remove: { method: "DELETE", path: "/api/switches" },
  candidate_accept: { method: "POST", path: "/api/switches/candidates" },
  topology_graph: { method: "GET", path: "/api/topology" },
  layer2_graph: { method: "GET", path: "/api/topology/layer2" },
  user_list: { method: "GET", path: "/api/users" },
  user_add: { method: "POST", path: "/api/users" },
  user_change: { method: "PUT", path: "/api/users/{username}" },
  user_remove: { method: "DELETE", path: "/api/users/{username}" },
  vulnerability_report: { method: "GET", path: "/api/vulnerabilities" },
} as const satisfies { [K in keyof Operations]: { method: Operations[K]['method']; path: Operations[K]['path'] } & (Operations[K] extends { rawBody: infer R } ? { rawBody: R } : { rawBody?: never }) }

// --- downloads -----------------------------------------------------------------

/** The operations that answer a file instead of JSON, by operationId: what goes in, what comes out. */
export interface Downloads {
  release_download: {
    method: "GET"
    path: "/api/agents/releases/{id}"
    pathParams: {
      id: string
    }
    query: never
    body: never
    contentType: "application/octet-stream"
  }
  install_script: {
    method: "GET"
    path: "/api/install.sh"
    pathParams: never
    query: never
    body: never
    contentType: "text/x-shellscript"
  }
  /**
   * The release a new agent of the token's site is installed with, as lines the script reads
   * without a JSON parser: the release id, the key id, the signature and the signed bytes
   * (base64). The script verifies the signature over those bytes and reads the version,
   * target, size and SHA-256 from them, never from anything unsigned.
   */
  install_manifest: {
    method: "GET"
    path: "/api/install/manifest"
    pathParams: never
    query: {
      /** The machine's platform as `uname -m`-linux: `x86_64-linux`, `aarch64-linux`. */
      target: string
    }
    body: never
    contentType: "text/plain"
  }
  install_download: {
    method: "GET"
    path: "/api/install/releases/{id}"
    pathParams: {
      id: string
    }
    query: never
    body: never
    contentType: "application/octet-stream"
  }
  download_compliance_report: {
    method: "GET"
    path: "/api/reports/compliance"
    pathParams: never
    query: {
      /** One site; every site when left out. */
      site?: string
      /** Start of the period (RFC 3339); default 30 days before `to`. */
      from?: string
      /** End of the period (RFC 3339); default now. */
      to?: string
      /**
       * `html` (the default; streamed) or `pdf` (typeset on the server; lists up to 500
       * assets, counting the rest).
       */
      format?: string
      /** `tr` (the default) or `en`. */
      lang?: string
      /** The organisation named on the cover. */
      organisation?: string
    }
    body: never
    contentType: "application/pdf" | "text/html"
  }
}

/** Method, path template and media types of every download, for the client at run time. */
export const DOWNLOADS = {
  release_download: { method: "GET", path: "/api/agents/releases/{id}", contentTypes: ["application/octet-stream"] },
  install_script: { method: "GET", path: "/api/install.sh", contentTypes: ["text/x-shellscript"] },
  install_manifest: { method: "GET", path: "/api/install/manifest", contentTypes: ["text/plain"] },
  install_download: { method: "GET", path: "/api/install/releases/{id}", contentTypes: ["application/octet-stream"] },
  download_compliance_report: { method: "GET", path: "/api/reports/compliance", contentTypes: ["application/pdf", "text/html"] },
} as const satisfies { [K in keyof Downloads]: { method: Downloads[K]['method']; path: Downloads[K]['path']; contentTypes: readonly Downloads[K]['contentType'][] } }
