import { computed, reactive, type Ref } from 'vue'

const MIN_ZOOM = 0.05
const MAX_ZOOM = 8

/**
 * Pan (drag, arrow keys) and zoom (wheel, + / - keys, buttons) of an SVG drawing whose viewBox
 * is centred on (0, 0) and `size()` units wide and high; `transform` goes on its top group.
 * A press that moved is a drag: `dragged()` says so, so the click after it can be ignored.
 */
export function usePanZoom(svg: Ref<SVGSVGElement | null>, size: () => { width: number; height: number }) {
  const view = reactive({ x: 0, y: 0, k: 1 })
  let drag: { x: number; y: number; vx: number; vy: number; scale: number } | null = null
  let moved = false

  /** Drawing units per screen pixel (the viewBox is fitted into the element, aspect kept). */
  function unitsPerPixel(): number {
    const box = svg.value?.getBoundingClientRect()
    if (!box || box.width === 0 || box.height === 0) return 1
    const { width, height } = size()
    return Math.max(width / box.width, height / box.height)
  }

  function onPointerDown(event: PointerEvent): void {
    if (event.button !== 0) return
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, scale: unitsPerPixel() }
    moved = false
  }

  function onPointerMove(event: PointerEvent): void {
    if (!drag) return
    const dx = event.clientX - drag.x
    const dy = event.clientY - drag.y
    if (!moved && Math.hypot(dx, dy) < 4) return
    if (!moved) svg.value?.setPointerCapture?.(event.pointerId)
    moved = true
    view.x = drag.vx + dx * drag.scale
    view.y = drag.vy + dy * drag.scale
  }

  function onPointerUp(): void {
    drag = null
    // Let the click that follows this release see `moved`, then reset.
    setTimeout(() => (moved = false), 0)
  }

  /** Zoom by `factor` keeping the point (px, py) (drawing units from the centre) where it is. */
  function zoomAt(factor: number, px = 0, py = 0): void {
    const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.k * factor))
    const f = k / view.k
    view.x = px - (px - view.x) * f
    view.y = py - (py - view.y) * f
    view.k = k
  }

  function onWheel(event: WheelEvent): void {
    const box = svg.value?.getBoundingClientRect()
    const factor = event.deltaY < 0 ? 1.2 : 1 / 1.2
    if (!box || box.width === 0) return zoomAt(factor)
    const scale = unitsPerPixel()
    const px = (event.clientX - box.left - box.width / 2) * scale
    const py = (event.clientY - box.top - box.height / 2) * scale
    zoomAt(factor, px, py)
  }

  function fit(): void {
    Object.assign(view, { x: 0, y: 0, k: 1 })
  }

  function onKey(event: KeyboardEvent): void {
    const { width, height } = size()
    const step = Math.max(width, height) / 20
    const actions: Record<string, () => void> = {
      '+': () => zoomAt(1.25),
      '=': () => zoomAt(1.25),
      '-': () => zoomAt(0.8),
      '0': fit,
      ArrowLeft: () => (view.x += step),
      ArrowRight: () => (view.x -= step),
      ArrowUp: () => (view.y += step),
      ArrowDown: () => (view.y -= step),
    }
    const action = actions[event.key]
    if (action && event.target === svg.value) {
      event.preventDefault()
      action()
    }
  }

  const transform = computed(() => `translate(${view.x} ${view.y}) scale(${view.k})`)

  return {
    view,
    transform,
    dragged: () => moved,
    fit,
    zoomIn: () => zoomAt(1.25),
    zoomOut: () => zoomAt(0.8),
    handlers: {
      pointerdown: onPointerDown,
      pointermove: onPointerMove,
      pointerup: onPointerUp,
      pointercancel: onPointerUp,
      keydown: onKey,
    },
    onWheel,
  }
}
