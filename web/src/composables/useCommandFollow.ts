import { onBeforeUnmount, reactive, ref, shallowRef } from 'vue'
import { ApiError, api, type CommandView } from '../api'
import { POLL_MS, isFinal } from '../lib/commands'
import { useErrorMessage } from './useApiData'

/**
 * Follows one command live: asks GET /api/commands/{id} every `intervalMs` until the command
 * has ended (completed, failed, expired), then stops; also when the component goes away or
 * another command is followed. A failed ask is shown and retried, except when the command is
 * gone or may not be read (404, 403, 401), which ends the following.
 */
export function useCommandFollow(intervalMs = POLL_MS) {
  const describe = useErrorMessage()
  const command = shallowRef<CommandView | null>(null)
  const error = ref('')
  const polling = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined
  let controller: AbortController | null = null

  function stop(): void {
    clearTimeout(timer)
    timer = undefined
    controller?.abort()
    controller = null
    polling.value = false
  }

  function schedule(): void {
    polling.value = true
    timer = setTimeout(() => void ask(), intervalMs)
  }

  async function ask(): Promise<void> {
    const current = command.value
    if (!current) return stop()
    const ctrl = new AbortController()
    controller = ctrl
    try {
      const next = await api.call('command_get', { path: { id: current.id }, signal: ctrl.signal })
      if (ctrl.signal.aborted) return
      command.value = next
      error.value = ''
    } catch (err) {
      if (ctrl.signal.aborted) return
      error.value = describe(err)
      if (err instanceof ApiError && [401, 403, 404].includes(err.status)) return stop()
    } finally {
      if (controller === ctrl) controller = null
    }
    if (command.value && isFinal(command.value.state)) stop()
    else schedule()
  }

  /** Shows `view` (e.g. the answer of issuing it) and follows it until it ends. */
  function follow(view: CommandView): void {
    stop()
    command.value = view
    error.value = ''
    if (!isFinal(view.state)) schedule()
  }

  onBeforeUnmount(stop)

  // reactive(): templates read `live.command`, `live.polling` without .value.
  return reactive({ command, error, polling, follow, stop })
}
