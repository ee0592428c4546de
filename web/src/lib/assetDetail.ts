// Typed views of the free-form JSON columns of /api/assets/{id}.
//
// openapi.json types `evidence`, `services`, `mdns_services` and `snmp` as plain objects (the
// server stores them as JSON). Their real shapes are Rust structs in src/model/report.rs
// (Evidence, Service, SnmpFacts) and a list of strings; we read them defensively, so an
// older or newer record never breaks the page, and everything ends up as plain text.

export interface Evidence {
  /** The rule or signal that fired, e.g. `vendor:hikvision` or `port:9100`. */
  rule: string
  /** The observed value it matched. */
  value: string
  category: string | null
  device_type: string | null
  weight: number
}

export interface Service {
  port: number
  protocol: string
  name: string | null
  product: string | null
  version: string | null
  banner: string | null
  http_title: string | null
  http_server: string | null
  tls: boolean
}

export interface SnmpFacts {
  sys_name: string | null
  sys_descr: string | null
  sys_object_id: string | null
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return null
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : []
}

/** Classification evidence, strongest first. */
export function parseEvidence(value: unknown): Evidence[] {
  return records(value)
    .map((e) => ({
      rule: text(e.rule) ?? '',
      value: text(e.value) ?? '',
      category: text(e.category),
      device_type: text(e.device_type),
      weight: typeof e.weight === 'number' && Number.isFinite(e.weight) ? e.weight : 0,
    }))
    .filter((e) => e.rule !== '' || e.value !== '')
    .sort((a, b) => b.weight - a.weight)
}

/** Services by port. Entries without a valid port are dropped. */
export function parseServices(value: unknown): Service[] {
  return records(value)
    .filter((s) => typeof s.port === 'number' && Number.isInteger(s.port))
    .map((s) => ({
      port: s.port as number,
      protocol: text(s.protocol) ?? 'tcp',
      name: text(s.name),
      product: text(s.product),
      version: text(s.version),
      banner: text(s.banner),
      http_title: text(s.http_title),
      http_server: text(s.http_server),
      tls: s.tls === true,
    }))
    .sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol))
}

export function parseMdns(value: unknown): string[] {
  return Array.isArray(value) ? value.map(text).filter((v): v is string => !!v) : []
}

export function parseSnmp(value: unknown): SnmpFacts | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const v = value as Record<string, unknown>
  const facts = { sys_name: text(v.sys_name), sys_descr: text(v.sys_descr), sys_object_id: text(v.sys_object_id) }
  return facts.sys_name || facts.sys_descr || facts.sys_object_id ? facts : null
}

/** An open port on which no service was identified. */
export interface BarePort {
  port: number
  protocol: string
  unknown: true
}

/**
 * Open ports with their service when one was identified: every open port appears once, even
 * when the scan found no service on it.
 */
export function portsWithServices(openPorts: readonly number[], services: readonly Service[]): (Service | BarePort)[] {
  const byPort = new Map<number, Service[]>()
  for (const s of services) byPort.set(s.port, [...(byPort.get(s.port) ?? []), s])
  const ports = [...new Set([...openPorts, ...services.map((s) => s.port)])].sort((a, b) => a - b)
  return ports.flatMap((port): (Service | BarePort)[] => byPort.get(port) ?? [{ port, protocol: 'tcp', unknown: true }])
}
