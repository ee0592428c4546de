// GENERATED FILE: do not edit. Source: web/openapi.json (served at /api/openapi.json).
// Regenerate with `npm run gen:api`; src/api/schema.test.ts fails when this file is stale.

/** Version of the API document these types were generated from. */
export const API_VERSION = "0.1.0"

// --- component schemas ---------------------------------------------------------

export interface ActionItem {
  asset_id: string
  hostname?: string | null
  ip: string
  /** `classify` (unclassified) or `review` (low confidence). */
  kind: string
  /** `critical` or `normal`. */
  priority: string
  reason: string
  site: string
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

/** Everything known about one asset, for `/api/assets/{id}`. */
export type AssetDetail = AssetView & {
  certificates: CertificateView[]
  changes: ChangeView[]
  evidence: Record<string, unknown>
  history: HistoryEntry[]
  mdns_services: Record<string, unknown>
  services: Record<string, unknown>
  snmp?: Record<string, unknown> | null
  switch_port_index?: number | null
  tagged_at?: string | null
}

/** One asset with its history, certificates, changes, risk and CVEs. */
export type AssetPage = AssetDetail & {
  risk: RiskProfile
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

export interface Breakdown {
  fully_classified: number
  manual_overrides: number
  partially_classified: number
  total_assets: number
  unclassified: number
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

export interface Edge {
  /** `contains`, `gateway`, `uplink` or `port`. */
  kind: string
  label?: string | null
  source: string
  target: string
}

/** The body of every error answer. */
export interface ErrorBody {
  /** A short reason, safe to show a user. */
  error: string
}

export interface Factors {
  age: number
  changes: number
  classification: number
  cve: number
  exposure: number
}

export interface Health {
  database: DatabaseHealth
  /** `ok` or `degraded`. */
  status: string
  version: string
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

/**
 * One page of the inventory plus the category counts of the whole filter (without its
 * category criterion, so the summary cards stay meaningful while one is selected).
 */
export type Inventory = Page_AssetView & {
  category_summary: Record<string, number>
}

export interface LoginRequest {
  password: string
  username: string
}

export interface MostChanged {
  asset_id: string
  change_count: number
  hostname?: string | null
  ip: string
  last_change: string
  site: string
}

export interface NewSubnet {
  cidr: string
  label?: string
  /** Site name (created if new); `local` when absent. */
  site?: string | null
  vlan_id?: number | null
}

export interface NewSwitch {
  /** SNMP community: stored, never returned. */
  community: string
  host: string
  label?: string
  site?: string | null
  /** `2c` (default) or `1`. */
  snmp_version?: string | null
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
  })[]
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
    privileges: Record<string, unknown>
    report_id: string
    scanner_version: string
    site: string
    started_at: string
    target: string
  })[]
  page: number
  per_page: number
  total: number
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

export interface ScanDay {
  assets_reported: number
  date: string
  scan_count: number
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
  privileges: Record<string, unknown>
  report_id: string
  scanner_version: string
  site: string
  started_at: string
  target: string
}

export interface Scope {
  breakdown: Breakdown
  grade: string
  label?: string | null
  /** Site name, or the subnet's CIDR. */
  name: string
  score: number
}

export interface Series {
  name: string
  points: DayPoint[]
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

export interface SiteList {
  sites: SiteSummary[]
}

/** A site with its inventory size and latest scan, for `/api/sites`. */
export interface SiteSummary {
  asset_count: number
  created_at: string
  id: string
  last_scan_at?: string | null
  missing_count: number
  name: string
  scan_count: number
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

export interface SwitchList {
  switches: SwitchView[]
}

/** A switch as every reader sees it: no community string. */
export interface SwitchView {
  community_set: boolean
  host: string
  id: string
  label: string
  last_polled_at?: string | null
  mac_count: number
  site: string
  snmp_version: string
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

/** `/api/vulnerabilities` and `bigr vulns`: vulnerable assets worst first, plus totals. */
export interface VulnReport {
  assets: AssetVulns[]
  assets_scanned: number
  by_severity: Record<string, number>
  kev_assets: number
  snapshot_date: string
  snapshot_entries: number
  vulnerable_assets: number
}

// --- operations ----------------------------------------------------------------

/** Every operation by operationId: where it lives and what goes in and out. */
export interface Operations {
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
      /** RFC 3339 time: changes at or after it. */
      since?: string
      until?: string
      page?: number
      per_page?: number
    }
    body: never
    response: Page_ChangeView
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
      /** Text in the IP, MAC, hostname or vendor. */
      q?: string
      /** ip, hostname, vendor, category, device_type, confidence, first_seen, last_seen. */
      sort?: string
      /** asc or desc. */
      order?: string
      page?: number
      per_page?: number
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
  site_list: {
    method: "GET"
    path: "/api/sites"
    pathParams: never
    query: never
    body: never
    response: SiteList
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
  topology_graph: {
    method: "GET"
    path: "/api/topology"
    pathParams: never
    query: {
      site?: string
    }
    body: never
    response: Topology
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
    }
    body: never
    response: VulnReport
  }
}

/** Method and path template of every operation, for the client at run time. */
export const OPERATIONS = {
  analytics_report: { method: "GET", path: "/api/analytics" },
  asset: { method: "GET", path: "/api/assets/{id}" },
  tag: { method: "PUT", path: "/api/assets/{id}/tag" },
  untag: { method: "DELETE", path: "/api/assets/{id}/tag" },
  login: { method: "POST", path: "/api/auth/login" },
  logout: { method: "POST", path: "/api/auth/logout" },
  me: { method: "GET", path: "/api/auth/me" },
  certificate_list: { method: "GET", path: "/api/certificates" },
  change_list: { method: "GET", path: "/api/changes" },
  compliance_report: { method: "GET", path: "/api/compliance" },
  data: { method: "GET", path: "/api/data" },
  health: { method: "GET", path: "/api/health" },
  risk_report: { method: "GET", path: "/api/risk" },
  scan_list: { method: "GET", path: "/api/scans" },
  site_list: { method: "GET", path: "/api/sites" },
  subnet_list: { method: "GET", path: "/api/subnets" },
  subnet_add: { method: "POST", path: "/api/subnets" },
  subnet_remove: { method: "DELETE", path: "/api/subnets" },
  switch_list: { method: "GET", path: "/api/switches" },
  switch_add: { method: "POST", path: "/api/switches" },
  switch_remove: { method: "DELETE", path: "/api/switches" },
  topology_graph: { method: "GET", path: "/api/topology" },
  user_list: { method: "GET", path: "/api/users" },
  user_add: { method: "POST", path: "/api/users" },
  user_change: { method: "PUT", path: "/api/users/{username}" },
  user_remove: { method: "DELETE", path: "/api/users/{username}" },
  vulnerability_report: { method: "GET", path: "/api/vulnerabilities" },
} as const satisfies { [K in keyof Operations]: { method: Operations[K]['method']; path: Operations[K]['path'] } }
