// Helpers for the JSON columns of /api/assets/{id}: `evidence`, `services`, `mdns_services`
// and `snmp`. Their shapes are in openapi.json (Rust structs Evidence, Service and SnmpFacts
// in src/model/report.rs), so the generated types describe them; these helpers only order
// them and fill in the server's defaults. Everything in them came off the network: the views
// render it as text, never as HTML.

import type { Evidence, Service, SnmpFacts } from '../api'

/** Classification evidence, strongest first (a missing weight counts as 0). */
export function sortEvidence(evidence: readonly Evidence[]): Evidence[] {
  return [...evidence].sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0))
}

/** The SNMP facts when at least one of them is known, else null. */
export function knownSnmp(snmp: SnmpFacts | null | undefined): SnmpFacts | null {
  return snmp && (snmp.sys_name || snmp.sys_descr || snmp.sys_object_id) ? snmp : null
}

/** A service with its protocol filled in (`tcp` when the server left it out). */
export type ServiceRow = Service & { protocol: string }

/** An open port on which no service was identified. */
export interface BarePort {
  port: number
  protocol: string
  unknown: true
}

/**
 * Open ports with their service when one was identified, by port then protocol: every open
 * port appears once, even when the scan found no service on it.
 */
export function portsWithServices(openPorts: readonly number[], services: readonly Service[]): (ServiceRow | BarePort)[] {
  const byPort = new Map<number, ServiceRow[]>()
  for (const s of services) byPort.set(s.port, [...(byPort.get(s.port) ?? []), { ...s, protocol: s.protocol ?? 'tcp' }])
  const ports = [...new Set([...openPorts, ...services.map((s) => s.port)])].sort((a, b) => a - b)
  return ports.flatMap((port): (ServiceRow | BarePort)[] => {
    const found = byPort.get(port)
    return found ? found.sort((a, b) => a.protocol.localeCompare(b.protocol)) : [{ port, protocol: 'tcp', unknown: true }]
  })
}
