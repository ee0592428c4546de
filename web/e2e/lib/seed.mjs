// Test data as ScanReports (src/model/report.rs), sent through the real ingest API.
//
// Small data set: two sites, istanbul and ankara, that both use 10.1.0.0/24 (the same IPs,
// different devices), a certificate that expires within 7 days, mixed groups, and a second
// istanbul scan so the change log has something (a port change, a new and a missing asset).
// Big data set: `reports` × `perReport` assets over several sites, for the render budget.
import { createHash, randomUUID } from 'node:crypto'

const HOUR = 3600_000
const DAY = 24 * HOUR
const iso = (ms) => new Date(ms).toISOString()
const sha256 = (s) => createHash('sha256').update(s).digest('hex')
const hex2 = (n) => (n & 0xff).toString(16).padStart(2, '0')

/** A MAC under a real (universally administered) OUI, unique per `n` < 2^24. */
function mac(oui, n) {
  return `${oui}:${hex2(n >> 16)}:${hex2(n >> 8)}:${hex2(n)}`
}

function report({ target, networks, at, assets, certificates = [] }) {
  return {
    id: randomUUID(),
    target,
    networks,
    method: 'hybrid',
    started_at: iso(at - 5 * 60_000),
    completed_at: iso(at),
    partial: false,
    ports_probed: '22,80,443,445,515,631,3389,5060,8080,9100',
    privileges: { raw_sockets: true, arp: true, icmp: true },
    scanner_version: 'e2e',
    assets,
    certificates,
  }
}

function asset(ip, macAddr, hostname, vendor, deviceType, category, confidence, ports, extra = {}) {
  return {
    ip,
    mac: macAddr,
    hostname,
    vendor,
    open_ports: ports,
    device_type: deviceType,
    category,
    confidence,
    ...extra,
  }
}

const ev = (rule, value, category, device_type, weight) => ({ rule, value, category, device_type, weight })

function cert(ip, port, cn, notAfter, selfSigned) {
  return {
    ip,
    port,
    subject_cn: cn,
    sans: [cn],
    issuer: selfSigned ? cn : 'E2E Test CA',
    serial: sha256(`${ip}:${port}:${cn}`).slice(0, 16),
    not_before: iso(notAfter - 365 * DAY),
    not_after: iso(notAfter),
    key_type: 'RSA',
    key_bits: 2048,
    signature_algorithm: 'sha256WithRSAEncryption',
    fingerprint_sha256: sha256(`cert:${ip}:${port}:${cn}:${notAfter}`),
    self_signed: selfSigned,
  }
}

/** What the small data set holds, for the assertions. */
export const SMALL = {
  sites: ['ankara', 'istanbul'],
  overlapIp: '10.1.0.10',
  istanbulOnly: 'ist-archive-nas',
  ankaraOnly: 'ank-esx-01',
  expiringCn: 'cam-lobby.ist.example',
  /** Hostname part every istanbul camera shares (the search test). */
  search: 'cam-ist-park',
  searchCount: 4,
  /** The asset the tag test tags: unclassified at first. */
  tagHost: 'ist-unknown-0',
}

function istanbulAssets({ second }) {
  const oui = '00:1b:21'
  const a = [
    asset('10.1.0.1', mac(oui, 0x0101), 'core-router-ist', 'Cisco Systems', 'router', 'ag_ve_sistemler', 0.92, [22, 443], {
      services: [{ port: 22, protocol: 'tcp', name: 'ssh', product: 'OpenSSH', version: '7.4', banner: 'SSH-2.0-OpenSSH_7.4' }],
      snmp: {
        sys_name: 'core-router-ist',
        sys_descr: 'Cisco IOS Software, Version 15.2(4)M',
        sys_object_id: '1.3.6.1.4.1.9.1.1',
      },
      evidence: [ev('vendor:cisco', 'Cisco Systems', 'ag_ve_sistemler', 'router', 0.5), ev('port:22', '22', null, null, 0.1)],
    }),
    asset('10.1.0.2', mac(oui, 0x0102), 'sw-ist-floor1', 'Cisco Systems', 'switch', 'ag_ve_sistemler', 0.85, [22, 80]),
    asset('10.1.0.10', mac(oui, 0x0110), 'cam-lobby', 'Hikvision', 'camera', 'iot', 0.8, [80, 443], {
      services: [{ port: 443, protocol: 'tcp', http_server: 'App-webs/', http_title: 'Login', tls: true }],
      evidence: [ev('vendor:hikvision', 'Hikvision', 'iot', 'camera', 0.6)],
      sensitivity: 'fragile',
      switch_port: { host: 'sw-ist-floor1', port: 'Gi1/0/10', port_index: 10 },
    }),
  ]
  for (let i = 0; i < SMALL.searchCount; i++) {
    if (second && i === 3) continue // missing in the second scan
    a.push(asset(`10.1.0.${11 + i}`, mac(oui, 0x0111 + i), `cam-ist-park-${i}`, 'Hikvision', 'camera', 'iot', 0.75, [80, 554]))
  }
  for (let i = 0; i < 6; i++) {
    a.push(asset(`10.1.0.${20 + i}`, mac('3c:22:fb', 0x0120 + i), `ist-laptop-${i}`, 'Apple', 'laptop', 'tasinabilir', 0.6, []))
  }
  for (let i = 0; i < 4; i++) {
    const ports = second && i === 0 ? [80, 443, 8080] : [80, 443]
    a.push(
      asset(`10.1.0.${30 + i}`, mac('00:50:56', 0x0130 + i), `ist-web-${i}`, 'VMware', 'vm', 'uygulamalar', 0.7, ports, {
        services: [
          { port: 80, protocol: 'tcp', name: 'http', product: 'Apache httpd', version: '2.4.49', http_server: 'Apache/2.4.49' },
        ],
        os_hint: 'Linux',
      }),
    )
  }
  a.push(
    asset('10.1.0.40', mac('00:11:32', 0x0140), SMALL.istanbulOnly, 'Synology', 'nas', 'ag_ve_sistemler', 0.88, [80, 443, 445]),
  )
  for (let i = 0; i < 4; i++) {
    a.push(
      asset(
        `10.1.0.${50 + i}`,
        mac('3c:d9:2b', 0x0150 + i),
        `ist-printer-${i}`,
        'HP',
        'printer',
        'iot',
        0.72,
        [80, 515, 631, 9100],
      ),
    )
  }
  for (let i = 0; i < 3; i++) {
    a.push(
      asset(`10.1.0.${60 + i}`, mac('00:e0:4c', 0x0160 + i), `ist-unknown-${i}`, 'Realtek', 'unknown', 'unclassified', 0.2, []),
    )
  }
  if (second) a.push(asset('10.1.0.70', mac('3c:22:fb', 0x0170), 'ist-new-tablet', 'Apple', 'tablet', 'tasinabilir', 0.65, []))
  return a
}

function ankaraAssets() {
  const oui = '00:1a:a0'
  const a = [
    asset('10.1.0.1', mac(oui, 0x0201), 'core-router-ank', 'Juniper Networks', 'router', 'ag_ve_sistemler', 0.9, [22, 443]),
    asset('10.1.0.10', mac('3c:d9:2b', 0x0210), 'ank-printer-lobby', 'HP', 'printer', 'iot', 0.78, [80, 443, 9100]),
    asset('10.1.0.40', mac('00:50:56', 0x0240), SMALL.ankaraOnly, 'VMware', 'hypervisor', 'ag_ve_sistemler', 0.9, [443, 902]),
  ]
  for (let i = 0; i < 8; i++) {
    a.push(
      asset(`10.1.0.${20 + i}`, mac('f4:8e:38', 0x0220 + i), `ank-desktop-${i}`, 'Dell', 'desktop', 'tasinabilir', 0.55, [3389]),
    )
  }
  for (let i = 0; i < 5; i++) {
    a.push(asset(`10.1.0.${30 + i}`, mac('00:04:f2', 0x0230 + i), `ank-voip-${i}`, 'Polycom', 'voip', 'iot', 0.7, [80, 5060]))
  }
  for (let i = 0; i < 3; i++) {
    a.push(asset(`10.1.0.${50 + i}`, mac('00:50:56', 0x0250 + i), `ank-app-${i}`, 'VMware', 'server', 'uygulamalar', 0.68, [443]))
  }
  return a
}

/** How many assets each site of `dataSet` ends up with (one per MAC seen in any of its reports). */
export function assetCounts(dataSet) {
  return Object.fromEntries(
    dataSet.map(({ site, reports }) => [site, new Set(reports.flatMap((r) => r.assets.map((a) => a.mac))).size]),
  )
}

/** The small data set: [{ site, reports: [ScanReport…] }], oldest report first. */
export function smallDataSet(now = Date.now()) {
  const net = { target: '10.1.0.0/24', networks: ['10.1.0.0/24'] }
  return [
    {
      site: 'istanbul',
      reports: [
        report({
          ...net,
          at: now - 3 * HOUR,
          assets: istanbulAssets({ second: false }),
          certificates: [cert('10.1.0.10', 443, SMALL.expiringCn, now + 5 * DAY, true)],
        }),
        report({
          ...net,
          at: now - 1 * HOUR,
          assets: istanbulAssets({ second: true }),
          certificates: [
            cert('10.1.0.10', 443, SMALL.expiringCn, now + 5 * DAY, true),
            cert('10.1.0.30', 443, 'ist-web-0.ist.example', now + 200 * DAY, false),
          ],
        }),
      ],
    },
    {
      site: 'ankara',
      reports: [
        report({
          ...net,
          at: now - 2 * HOUR,
          assets: ankaraAssets(),
          certificates: [cert('10.1.0.1', 443, 'core-router-ank.ank.example', now - 3 * DAY, true)],
        }),
      ],
    },
  ]
}

const BIG_KINDS = [
  ['Hikvision', 'camera', 'iot', [80, 554]],
  ['HP', 'printer', 'iot', [9100]],
  ['Dell', 'desktop', 'tasinabilir', [3389]],
  ['Apple', 'laptop', 'tasinabilir', []],
  ['VMware', 'server', 'uygulamalar', [443]],
  ['Cisco Systems', 'switch', 'ag_ve_sistemler', [22]],
  ['Realtek', 'unknown', 'unclassified', []],
]

/**
 * One report of the big data set as JSON text: `perReport` (≤ 8000) assets in
 * 10.(20+index).0.0/19, unique IPs and MACs across the whole set.
 */
export function bigReport(index, perReport, now = Date.now()) {
  const second = 20 + index
  const assets = []
  for (let i = 0; i < perReport; i++) {
    const [vendor, deviceType, category, ports] = BIG_KINDS[i % BIG_KINDS.length]
    const n = index * 10_000 + i
    assets.push({
      ip: `10.${second}.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      mac: mac('00:25:90', n),
      hostname: `h${index}-${i}`,
      vendor,
      open_ports: ports,
      device_type: deviceType,
      category,
      confidence: 0.3 + ((i * 7) % 70) / 100,
    })
  }
  const network = `10.${second}.0.0/19`
  return JSON.stringify(report({ target: network, networks: [network], at: now - HOUR + index * 1000, assets }))
}

/**
 * Two Shield runs of the istanbul agent over its camera (10.1.0.10) and first web server
 * (10.1.0.30), as ShieldReports (src/model/shield.rs). The later run no longer sees the missing
 * HSTS header (resolved) and sees a missing CSP instead; one TLS port could not be reached.
 * Open after both: TLS 1.0 and a self-signed certificate on the camera, no CSP on the web
 * server — two quick wins and one important fix.
 */
export const SHIELD = {
  site: 'istanbul',
  camera: '10.1.0.10',
  web: '10.1.0.30',
  open: ['tls.protocol.tls10', 'tls.cert.self_signed', 'headers.csp_missing'],
  resolved: ['headers.hsts_missing'],
  quickWins: ['tls.protocol.tls10', 'headers.csp_missing'],
  importantFixes: ['tls.cert.self_signed'],
  modules: ['tls', 'headers', 'ports'],
}

function shieldReport({ at, findings, notAssessed = [] }) {
  return {
    id: randomUUID(),
    target: '10.1.0.0/24',
    preset: 'standard',
    modules: SHIELD.modules,
    started_at: iso(at - 2 * 60_000),
    completed_at: iso(at),
    findings,
    hosts: [SHIELD.camera, SHIELD.web].map((ip) => ({ ip, modules: SHIELD.modules })),
    not_assessed: notAssessed,
  }
}

/** A finding as the agent's catalogue makes it (src/shield/catalog.rs: title, ATT&CK technique). */
const finding = (check_id, module, severity, attack_technique, title, target_ip, port, description, evidence) => ({
  check_id,
  module,
  severity,
  title,
  description,
  target_ip,
  port,
  evidence,
  attack_technique,
})

/** The istanbul Shield runs, oldest first. */
export function shieldReports(now = Date.now()) {
  const tls10 = finding(
    'tls.protocol.tls10',
    'tls',
    'high',
    'T1557',
    'TLS 1.0 offered',
    SHIELD.camera,
    443,
    'The service accepts a TLS 1.0 handshake.',
    {
      protocol: 'TLSv1.0',
      cipher: 'ECDHE-RSA-AES128-SHA',
    },
  )
  const selfSigned = finding(
    'tls.cert.self_signed',
    'tls',
    'medium',
    'T1557',
    'Self-signed certificate',
    SHIELD.camera,
    443,
    `The certificate of ${SMALL.expiringCn} is signed by itself.`,
    { subject: SMALL.expiringCn, issuer: SMALL.expiringCn },
  )
  const hsts = finding(
    'headers.hsts_missing',
    'headers',
    'medium',
    'T1557',
    'Strict-Transport-Security missing',
    SHIELD.web,
    443,
    'No Strict-Transport-Security header.',
    {
      url: `https://${SHIELD.web}/`,
    },
  )
  const csp = finding(
    'headers.csp_missing',
    'headers',
    'medium',
    'T1189',
    'Content-Security-Policy missing',
    SHIELD.web,
    443,
    'No CSP header.',
    {
      url: `https://${SHIELD.web}/`,
    },
  )
  return [
    shieldReport({ at: now - 2 * HOUR, findings: [tls10, selfSigned, hsts] }),
    shieldReport({
      at: now - 30 * 60_000,
      findings: [tls10, selfSigned, csp],
      notAssessed: [{ target: '10.1.0.40:443', module: 'tls', reason: 'connection timed out' }],
    }),
  ]
}
