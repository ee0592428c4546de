// The layer-2 graph (GET /api/topology/layer2) laid out as layered trees, without a graph
// library: registered switches and routers, the neighbours they heard over LLDP/CDP, and the
// devices on their access ports.
//
// Each connected part of the graph becomes a tree grown breadth-first from its best-connected
// registered device (the core switch, usually), drawn top-down with children centred under
// their parent; the parts sit side by side. Links that are not tree edges (a ring, a second
// uplink) are still drawn, between whatever rows their ends landed in. Devices start collapsed
// into a count per switch; an expanded switch shows them as a grid of dots under its box, in
// port order, so thousands of devices never all hit the screen unless asked for.

import type { GearLink, GearNode, Layer2, PlacedDevice } from '../api'
import { compareAddresses } from './topology'

/** Kinds of gear nodes the server sends (labels under `kind.*`); others show as sent. */
export const GEAR_KINDS = ['switch', 'router', 'wlan-ap', 'phone', 'bridge', 'station', 'unknown'] as const

export const NODE_WIDTH = 172
export const HEARD_WIDTH = 164
export const NODE_HEIGHT = 44
/** Space between a row's bottom and the next row's top: room for the port labels. */
export const ROW_GAP = 96
export const COLUMN_GAP = 28
export const DOT_PITCH = 16
export const MAX_DOT_COLUMNS = 16

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export interface PlacedGear {
  node: GearNode
  /** Centre of the node's own box (its header when expanded). */
  x: number
  y: number
  width: number
  /** The header plus, when expanded, the device grid under it. */
  box: Box
  depth: number
  expanded: boolean
  /** Devices of the graph that hang off it, in port order (all of them, drawn or not). */
  devices: PlacedDevice[]
}

export interface PlacedDot {
  device: PlacedDevice
  x: number
  y: number
}

export interface PlacedLink {
  link: GearLink
  /** SVG path from the source's edge to the target's. */
  path: string
  /** Where the two port names go: near each end. */
  sourceLabel: { x: number; y: number }
  targetLabel: { x: number; y: number }
}

export interface Layer2Layout {
  nodes: PlacedGear[]
  links: PlacedLink[]
  dots: PlacedDot[]
  width: number
  height: number
}

/** Orders ports the way a switch numbers them (Gi1/0/2 before Gi1/0/10). */
export function comparePorts(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' })
}

/** The devices of each gear node, sorted by port, then address. */
export function devicesByGear(devices: readonly PlacedDevice[]): Map<string, PlacedDevice[]> {
  const out = new Map<string, PlacedDevice[]>()
  for (const d of devices) {
    const list = out.get(d.gear) ?? []
    list.push(d)
    out.set(d.gear, list)
  }
  for (const list of out.values()) list.sort((a, b) => comparePorts(a.port, b.port) || compareAddresses(a.ip, b.ip))
  return out
}

export interface PortGroup {
  port: string
  devices: PlacedDevice[]
}

/** One switch's devices grouped by port (several on one port: a hub, an access point, a phone). */
export function groupByPort(devices: readonly PlacedDevice[]): PortGroup[] {
  const groups: PortGroup[] = []
  for (const d of devices) {
    const last = groups[groups.length - 1]
    if (last && last.port === d.port) last.devices.push(d)
    else groups.push({ port: d.port, devices: [d] })
  }
  return groups
}

export interface SubnetGroup {
  /** "10.20.0.0/24", or "" for addresses that are not IPv4. */
  cidr: string
  devices: number
  /** Ids of the gear nodes the subnet's devices hang off. */
  gear: string[]
}

/** The /24 of an IPv4 address ("10.1.2.3" → "10.1.2.0/24"); "" for anything else. */
export function subnet24(ip: string): string {
  const parts = ip.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return ''
  return `${parts[0]}.${parts[1]}.${parts[2]}.0/24`
}

/** The drawn devices grouped by /24, in address order (non-IPv4 last). */
export function subnetGroups(devices: readonly PlacedDevice[]): SubnetGroup[] {
  const map = new Map<string, { devices: number; gear: Set<string> }>()
  for (const d of devices) {
    const cidr = subnet24(d.ip)
    const entry = map.get(cidr) ?? { devices: 0, gear: new Set<string>() }
    entry.devices++
    entry.gear.add(d.gear)
    map.set(cidr, entry)
  }
  return [...map]
    .map(([cidr, e]) => ({ cidr, devices: e.devices, gear: [...e.gear].sort() }))
    .sort((a, b) => (a.cidr === '' ? 1 : b.cidr === '' ? -1 : compareAddresses(a.cidr.split('/')[0]!, b.cidr.split('/')[0]!)))
}

/** Columns and rows of the dot grid of `n` devices. */
export function dotGrid(n: number): { columns: number; rows: number } {
  if (n <= 0) return { columns: 0, rows: 0 }
  const columns = Math.min(MAX_DOT_COLUMNS, n, Math.max(1, Math.ceil(Math.sqrt(n * 2))))
  return { columns, rows: Math.ceil(n / columns) }
}

function gridSize(n: number): { width: number; height: number } {
  const { columns, rows } = dotGrid(n)
  return { width: columns * DOT_PITCH, height: rows === 0 ? 0 : rows * DOT_PITCH + 12 }
}

function rank(n: GearNode): number {
  return n.registered ? (n.kind === 'router' ? 0 : 1) : 2
}

function compareGear(a: GearNode, b: GearNode): number {
  return rank(a) - rank(b) || compareAddresses(a.host ?? a.mgmt_address ?? a.label, b.host ?? b.mgmt_address ?? b.label)
}

/** Ids of the nodes that can be expanded (some of their devices are in the graph). */
export function expandable(graph: Pick<Layer2, 'devices'>): Set<string> {
  return new Set(graph.devices.map((d) => d.gear))
}

/**
 * Lays the graph out. `expanded` holds the ids of nodes whose devices are drawn. Coordinates
 * start at (0, 0) top left; the drawing is `width` × `height`.
 */
export function layer2Layout(graph: Pick<Layer2, 'nodes' | 'links' | 'devices'>, expanded: ReadonlySet<string>): Layer2Layout {
  const byId = new Map<string, GearNode>()
  for (const n of graph.nodes) if (!byId.has(n.id)) byId.set(n.id, n)
  const links = graph.links.filter((l) => l.source !== l.target && byId.has(l.source) && byId.has(l.target))
  const neighbours = new Map<string, Set<string>>()
  for (const id of byId.keys()) neighbours.set(id, new Set())
  for (const l of links) {
    neighbours.get(l.source)!.add(l.target)
    neighbours.get(l.target)!.add(l.source)
  }
  const ownDevices = devicesByGear(graph.devices.filter((d) => byId.has(d.gear)))

  // Roots: the registered device with the most registered neighbours; on a tie a router, then
  // the one with the fewest devices on its own ports (a core switch has next to none).
  const registeredDegree = new Map(
    [...neighbours].map(([id, set]) => [id, [...set].filter((n) => byId.get(n)!.registered).length]),
  )
  const candidates = [...byId.values()].sort(
    (a, b) =>
      Number(b.registered) - Number(a.registered) ||
      registeredDegree.get(b.id)! - registeredDegree.get(a.id)! ||
      rank(a) - rank(b) ||
      a.devices - b.devices ||
      neighbours.get(b.id)!.size - neighbours.get(a.id)!.size ||
      compareGear(a, b),
  )

  // Breadth-first trees: children of each node and its depth.
  const children = new Map<string, GearNode[]>()
  const depth = new Map<string, number>()
  const roots: GearNode[] = []
  for (const root of candidates) {
    if (depth.has(root.id)) continue
    roots.push(root)
    depth.set(root.id, 0)
    const queue = [root]
    for (let i = 0; i < queue.length; i++) {
      const parent = queue[i]!
      const kids = [...neighbours.get(parent.id)!]
        .filter((id) => !depth.has(id))
        .map((id) => byId.get(id)!)
        .sort(compareGear)
      for (const kid of kids) depth.set(kid.id, depth.get(parent.id)! + 1)
      children.set(parent.id, kids)
      queue.push(...kids)
    }
  }

  const isOpen = (id: string): boolean => expanded.has(id) && (ownDevices.get(id)?.length ?? 0) > 0
  const ownWidth = (n: GearNode): number =>
    Math.max(n.registered ? NODE_WIDTH : HEARD_WIDTH, isOpen(n.id) ? gridSize(ownDevices.get(n.id)!.length).width : 0)

  // Widths of the subtrees, then x from left to right.
  const span = new Map<string, number>()
  const measure = (n: GearNode): number => {
    const kids = children.get(n.id) ?? []
    const sum = kids.reduce((s, k) => s + measure(k), 0)
    const width = Math.max(ownWidth(n) + COLUMN_GAP, sum)
    span.set(n.id, width)
    return width
  }
  const centreX = new Map<string, number>()
  const place = (n: GearNode, left: number): void => {
    const width = span.get(n.id)!
    centreX.set(n.id, left + width / 2)
    const kids = children.get(n.id) ?? []
    let cursor = left + (width - kids.reduce((s, k) => s + span.get(k.id)!, 0)) / 2
    for (const k of kids) {
      place(k, cursor)
      cursor += span.get(k.id)!
    }
  }
  let left = 0
  for (const root of roots) {
    measure(root)
    place(root, left)
    left += span.get(root.id)!
  }

  // Row heights grow with the device grids open in them.
  const rowHeight: number[] = []
  for (const n of byId.values()) {
    const d = depth.get(n.id)!
    const grid = isOpen(n.id) ? gridSize(ownDevices.get(n.id)!.length).height : 0
    rowHeight[d] = Math.max(rowHeight[d] ?? 0, NODE_HEIGHT + grid)
  }
  const rowTop: number[] = []
  let top = ROW_GAP / 2
  for (let d = 0; d < rowHeight.length; d++) {
    rowTop[d] = top
    top += (rowHeight[d] ?? NODE_HEIGHT) + ROW_GAP
  }

  const placed = new Map<string, PlacedGear>()
  const dots: PlacedDot[] = []
  for (const n of byId.values()) {
    const d = depth.get(n.id)!
    const x = centreX.get(n.id)!
    const y = rowTop[d]! + NODE_HEIGHT / 2
    const width = n.registered ? NODE_WIDTH : HEARD_WIDTH
    const devices = ownDevices.get(n.id) ?? []
    const open = isOpen(n.id)
    const grid = open ? gridSize(devices.length) : { width: 0, height: 0 }
    const boxWidth = Math.max(width, grid.width)
    placed.set(n.id, {
      node: n,
      x,
      y,
      width,
      box: { x: x - boxWidth / 2, y: rowTop[d]!, width: boxWidth, height: NODE_HEIGHT + grid.height },
      depth: d,
      expanded: open,
      devices,
    })
    if (open) {
      const { columns } = dotGrid(devices.length)
      const gridLeft = x - (columns * DOT_PITCH) / 2
      devices.forEach((device, i) => {
        dots.push({
          device,
          x: gridLeft + (i % columns) * DOT_PITCH + DOT_PITCH / 2,
          y: rowTop[d]! + NODE_HEIGHT + 12 + Math.floor(i / columns) * DOT_PITCH + DOT_PITCH / 2 - 4,
        })
      })
    }
  }

  const nodes = [...placed.values()].sort((a, b) => a.depth - b.depth || a.x - b.x)
  return { nodes, links: placeLinks(links, placed), dots, width: Math.max(left, NODE_WIDTH), height: top - ROW_GAP / 2 }
}

type Side = 'top' | 'bottom'

/**
 * Links leave a node from the side facing the other end (bottom towards a lower row, top
 * otherwise), spread along that side in the order of the other ends, so parallel links and
 * the fan out of a core switch do not start from one point.
 */
function placeLinks(links: readonly GearLink[], placed: ReadonlyMap<string, PlacedGear>): PlacedLink[] {
  const sideOf = (self: PlacedGear, other: PlacedGear): Side => (other.depth > self.depth ? 'bottom' : 'top')
  const slots = new Map<string, { index: number; otherX: number }[]>()
  links.forEach((l, index) => {
    const a = placed.get(l.source)!
    const b = placed.get(l.target)!
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const key = `${self.node.id}|${sideOf(self, other)}`
      const list = slots.get(key) ?? []
      list.push({ index, otherX: other.x })
      slots.set(key, list)
    }
  })
  for (const list of slots.values()) list.sort((p, q) => p.otherX - q.otherX || p.index - q.index)

  const anchor = (self: PlacedGear, other: PlacedGear, index: number): { x: number; y: number } => {
    const side = sideOf(self, other)
    const list = slots.get(`${self.node.id}|${side}`)!
    const at = list.findIndex((s) => s.index === index)
    const x = self.x - self.width / 2 + ((at + 1) * self.width) / (list.length + 1)
    return { x, y: side === 'bottom' ? self.box.y + self.box.height : self.box.y }
  }

  return links.map((link, index) => {
    const a = placed.get(link.source)!
    const b = placed.get(link.target)!
    const p0 = anchor(a, b, index)
    const p2 = anchor(b, a, index)
    // Ends in one row: an arc above the row instead of a line through the nodes between them.
    const sameRow = a.depth === b.depth
    const c = sameRow
      ? { x: (p0.x + p2.x) / 2, y: Math.min(p0.y, p2.y) - 30 - Math.abs(p2.x - p0.x) * 0.15 }
      : { x: (p0.x + p2.x) / 2, y: (p0.y + p2.y) / 2 }
    const at = (t: number) => ({
      x: (1 - t) * (1 - t) * p0.x + 2 * (1 - t) * t * c.x + t * t * p2.x,
      y: (1 - t) * (1 - t) * p0.y + 2 * (1 - t) * t * c.y + t * t * p2.y,
    })
    const path = sameRow
      ? `M${round(p0.x)} ${round(p0.y)}Q${round(c.x)} ${round(c.y)} ${round(p2.x)} ${round(p2.y)}`
      : `M${round(p0.x)} ${round(p0.y)}L${round(p2.x)} ${round(p2.y)}`
    return { link, path, sourceLabel: rounded(at(0.2)), targetLabel: rounded(at(0.8)) }
  })
}

const round = (v: number): number => Math.round(v * 10) / 10
const rounded = (p: { x: number; y: number }) => ({ x: round(p.x), y: round(p.y) })
