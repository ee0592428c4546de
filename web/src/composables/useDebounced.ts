import { onBeforeUnmount } from 'vue'

/** `fn` delayed until `ms` have passed without another call; cancelled on unmount. */
export function useDebounced<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined
  const cancel = (): void => clearTimeout(timer)
  const call = (...args: A): void => {
    cancel()
    timer = setTimeout(() => fn(...args), ms)
  }
  onBeforeUnmount(cancel)
  return { call, cancel }
}
