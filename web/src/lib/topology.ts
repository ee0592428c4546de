// The topology graph as a tree, and a radial layout for it (no graph library).
//
// The server sends nodes (site, subnet, gateway, switch, device) and edges (site → subnet,
// site → switch, subnet → gateway/device, switch → device). Every node has at most one
// parent, so the graph is a forest: one tree per site. We hang the sites off a virtual root,
// lay the visible part out on concentric rings (depth = ring) and give every subtree an
// angular wedge proportional to the visible leaves under it.
//
// Big networks: subnets and switches start collapsed (a collapsed node is one leaf showing
// how many devices it hides), and each ring's radius grows until neighbours on it are at
// least `minSpacing` apart, so expanding a /16 still yields a readable, if large, circle.

import type { Topology } from '../api'

export type NodeKind = 'root' | 'site' | 'subnet' | 'switch' | 'gateway' | 'device'

export interface TreeNode {
  id: string
  kind: NodeKind
  label: string
  site: string
  assetId: string | null
  ip: string | null
  category: string | null
  deviceType: string | null
  switchPort: string | null
  children: TreeNode[]
  /** Devices and gateways anywhere below this node. */
  deviceCount: number
}

export const ROOT_ID = '__root__'

const KIND_ORDER: Record<string, number> = { site: 0, subnet: 1, switch: 2, gateway: 3, device: 4 }

function toKind(kind: string): NodeKind {
  return kind in KIND_ORDER ? (kind as NodeKind) : 'device'
}

/** Orders addresses numerically (10.0.0.9 before 10.0.0.10); other text alphabetically. */
export function compareAddresses(a: string, b: string): number {
  const pa = a.split('.')
  const pb = b.split('.')
  if (pa.length === 4 && pb.length === 4 && [...pa, ...pb].every((p) => /^\d{1,3}$/.test(p))) {
    for (let i = 0; i < 4; i++) {
      const d = Number(pa[i]) - Number(pb[i])
      if (d !== 0) return d
    }
    return 0
  }
  return a.localeCompare(b, undefined, { numeric: true })
}

function compareNodes(a: TreeNode, b: TreeNode): number {
  return (
    (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) ||
    compareAddresses(a.ip ?? a.label, b.ip ?? b.label) ||
    a.id.localeCompare(b.id)
  )
}

/**
 * The forest under a virtual root. Nodes nobody points at (sites, or anything whose parent is
 * missing) hang off the root; a second parent or a cycle is ignored, never looped over.
 */
export function buildTree(topology: Pick<Topology, 'nodes' | 'edges'>, rootLabel = ''): TreeNode {
  const root: TreeNode = {
    id: ROOT_ID,
    kind: 'root',
    label: rootLabel,
    site: '',
    assetId: null,
    ip: null,
    category: null,
    deviceType: null,
    switchPort: null,
    children: [],
    deviceCount: 0,
  }
  const byId = new Map<string, TreeNode>()
  for (const n of topology.nodes) {
    if (byId.has(n.id) || n.id === ROOT_ID) continue
    byId.set(n.id, {
      id: n.id,
      kind: toKind(n.kind),
      label: n.label,
      site: n.site,
      assetId: n.asset_id ?? null,
      ip: n.ip ?? null,
      category: n.category ?? null,
      deviceType: n.device_type ?? null,
      switchPort: n.switch_port ?? null,
      children: [],
      deviceCount: 0,
    })
  }
  const parentOf = new Map<string, string>()
  for (const e of topology.edges) {
    if (e.source === e.target || !byId.has(e.source) || !byId.has(e.target)) continue
    if (!parentOf.has(e.target)) parentOf.set(e.target, e.source)
  }
  // Attach top-down from the roots so a cycle can never be reached twice.
  const childrenOf = new Map<string, TreeNode[]>()
  for (const [child, parent] of parentOf) {
    const list = childrenOf.get(parent) ?? []
    list.push(byId.get(child)!)
    childrenOf.set(parent, list)
  }
  const attached = new Set<string>()
  const attach = (parent: TreeNode, child: TreeNode): void => {
    if (attached.has(child.id)) return
    attached.add(child.id)
    parent.children.push(child)
    for (const grandchild of childrenOf.get(child.id) ?? []) attach(child, grandchild)
  }
  for (const node of byId.values()) if (!parentOf.has(node.id)) attach(root, node)
  // Whatever is left sits on a cycle: break it at an arbitrary member.
  for (const node of byId.values()) if (!attached.has(node.id)) attach(root, node)

  const finish = (node: TreeNode): number => {
    node.children.sort(compareNodes)
    const own = node.kind === 'device' || node.kind === 'gateway' ? 1 : 0
    node.deviceCount = own + node.children.reduce((sum, c) => sum + finish(c), 0)
    return node.deviceCount
  }
  finish(root)
  return root
}

/** Ids expanded by default: the root and the sites, so subnets and switches start collapsed. */
export function defaultExpanded(root: TreeNode): Set<string> {
  return new Set([root.id, ...root.children.filter((c) => c.kind === 'site').map((c) => c.id)])
}

/** Every node that has children (for "expand all"). */
export function allContainers(root: TreeNode): Set<string> {
  const ids = new Set<string>()
  const walk = (n: TreeNode): void => {
    if (n.children.length === 0) return
    ids.add(n.id)
    n.children.forEach(walk)
  }
  walk(root)
  return ids
}

/** Devices under a collapsed node, per group: the colours of its summary ring. */
export function groupBreakdown(node: TreeNode): Record<string, number> {
  const counts: Record<string, number> = {}
  const walk = (n: TreeNode): void => {
    if (n.kind === 'device' || n.kind === 'gateway') {
      const key = n.category ?? 'unclassified'
      counts[key] = (counts[key] ?? 0) + 1
    }
    n.children.forEach(walk)
  }
  walk(node)
  return counts
}

export interface PlacedNode {
  node: TreeNode
  x: number
  y: number
  depth: number
  /** Has children that are not drawn (click to expand). */
  collapsed: boolean
}

export interface PlacedEdge {
  from: string
  to: string
  x1: number
  y1: number
  x2: number
  y2: number
}

export interface Layout {
  nodes: PlacedNode[]
  edges: PlacedEdge[]
  /** Radius of the outermost ring (the drawing fits in ±radius). */
  radius: number
}

export interface LayoutOptions {
  /** Minimum distance between consecutive rings. */
  ringGap?: number
  /** Minimum distance between neighbours on one ring. */
  minSpacing?: number
}

/**
 * Radial layout of the visible tree. The root sits at the centre; when it has a single child
 * (one site selected), that child takes the centre instead and the empty root is skipped.
 */
export function radialLayout(root: TreeNode, expanded: ReadonlySet<string>, options: LayoutOptions = {}): Layout {
  const ringGap = options.ringGap ?? 110
  const minSpacing = options.minSpacing ?? 16
  const center = root.children.length === 1 ? root.children[0]! : root

  const isOpen = (n: TreeNode): boolean => n === center || expanded.has(n.id)
  const visibleChildren = (n: TreeNode): TreeNode[] => (isOpen(n) ? n.children : [])

  // Leaves under each visible node decide its wedge.
  const leaves = new Map<string, number>()
  const countLeaves = (n: TreeNode): number => {
    const kids = visibleChildren(n)
    const count = kids.length === 0 ? 1 : kids.reduce((s, c) => s + countLeaves(c), 0)
    leaves.set(n.id, count)
    return count
  }
  countLeaves(center)

  // Angles first (centre of each wedge), radii once we know how crowded each ring is.
  const angle = new Map<string, number>()
  const depthOf = new Map<string, number>()
  const order: TreeNode[] = []
  const assign = (n: TreeNode, start: number, span: number, depth: number): void => {
    angle.set(n.id, start + span / 2)
    depthOf.set(n.id, depth)
    order.push(n)
    const total = leaves.get(n.id)!
    let cursor = start
    for (const c of visibleChildren(n)) {
      const part = (span * leaves.get(c.id)!) / total
      assign(c, cursor, part, depth + 1)
      cursor += part
    }
  }
  assign(center, -Math.PI / 2, 2 * Math.PI, 0)

  const anglesByDepth: number[][] = []
  for (const n of order) {
    const d = depthOf.get(n.id)!
    ;(anglesByDepth[d] ??= []).push(angle.get(n.id)!)
  }
  const radii: number[] = [0]
  for (let d = 1; d < anglesByDepth.length; d++) {
    const list = [...anglesByDepth[d]!].sort((a, b) => a - b)
    let minGap = 2 * Math.PI
    for (let i = 1; i < list.length; i++) minGap = Math.min(minGap, list[i]! - list[i - 1]!)
    if (list.length > 1) minGap = Math.min(minGap, 2 * Math.PI - (list[list.length - 1]! - list[0]!))
    // Chord between neighbours ≈ r · gap (the gap is small when it matters).
    const crowded = list.length > 1 ? minSpacing / Math.max(minGap, 1e-6) : 0
    radii[d] = Math.max(radii[d - 1]! + ringGap, crowded)
  }

  const position = new Map<string, { x: number; y: number }>()
  const nodes: PlacedNode[] = order.map((n) => {
    const d = depthOf.get(n.id)!
    const r = radii[d]!
    const a = angle.get(n.id)!
    const p = { x: r * Math.cos(a), y: r * Math.sin(a) }
    position.set(n.id, p)
    return { node: n, x: p.x, y: p.y, depth: d, collapsed: n.children.length > 0 && !isOpen(n) }
  })
  const edges: PlacedEdge[] = []
  for (const n of order) {
    const from = position.get(n.id)!
    for (const c of visibleChildren(n)) {
      const to = position.get(c.id)!
      edges.push({ from: n.id, to: c.id, x1: from.x, y1: from.y, x2: to.x, y2: to.y })
    }
  }
  return { nodes, edges, radius: radii[radii.length - 1]! }
}

export interface MappedPort {
  port: string
  assetId: string | null
  ip: string | null
  label: string
}

/** Id of a switch node in /api/topology (see analysis/topology.rs). */
export function switchNodeId(site: string, host: string): string {
  return `switch:${site}/${host}`
}

/** Devices plugged into each switch (from the `port` edges), by switch node id, port order. */
export function mappedPorts(topology: Pick<Topology, 'nodes' | 'edges'>): Map<string, MappedPort[]> {
  const nodes = new Map(topology.nodes.map((n) => [n.id, n]))
  const out = new Map<string, MappedPort[]>()
  for (const e of topology.edges) {
    if (e.kind !== 'port') continue
    const device = nodes.get(e.target)
    if (!device) continue
    const list = out.get(e.source) ?? []
    list.push({
      port: e.label ?? device.switch_port ?? '',
      assetId: device.asset_id ?? null,
      ip: device.ip ?? null,
      label: device.label,
    })
    out.set(e.source, list)
  }
  for (const list of out.values()) list.sort((a, b) => a.port.localeCompare(b.port, undefined, { numeric: true }))
  return out
}
