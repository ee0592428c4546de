// A collapsed subnet or switch is drawn as a ring split by the groups of the devices it hides.
// Each segment is one SVG circle whose dashed stroke covers only its share of the ring.
import { groupColor, groupCounts } from '../../lib/groups'

export interface RingSegment {
  color: string
  /** stroke-dasharray: visible length, then the rest of the circumference. */
  dasharray: string
  /** stroke-dashoffset that starts this segment where the previous one ended. */
  dashoffset: number
}

export function ringSegments(counts: Record<string, number>, radius: number): RingSegment[] {
  const circumference = 2 * Math.PI * radius
  const entries = groupCounts(counts).filter(([, n]) => n > 0)
  const total = entries.reduce((s, [, n]) => s + n, 0)
  if (total === 0) return []
  let start = 0
  return entries.map(([key, n]) => {
    const length = (n / total) * circumference
    const segment = {
      color: groupColor(key),
      dasharray: `${length} ${circumference - length}`,
      dashoffset: -start,
    }
    start += length
    return segment
  })
}
