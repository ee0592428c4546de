import { reactive, ref, type Ref } from 'vue'
import { useErrorMessage } from './useApiData'

/**
 * State of a "really do this to X?" dialog: which item is pending, whether the action runs,
 * and its error. The dialog closes only when the action succeeded.
 */
export function useConfirm<T>() {
  const describe = useErrorMessage()
  const pending = ref(null) as Ref<T | null>
  const busy = ref(false)
  const error = ref('')

  function ask(item: T): void {
    pending.value = item
    error.value = ''
  }

  function cancel(): void {
    if (!busy.value) pending.value = null
  }

  async function run(action: (item: T) => Promise<unknown>): Promise<boolean> {
    const item = pending.value
    if (item === null || busy.value) return false
    busy.value = true
    error.value = ''
    try {
      await action(item)
      pending.value = null
      return true
    } catch (err) {
      error.value = describe(err)
      return false
    } finally {
      busy.value = false
    }
  }

  // reactive(): templates and scripts read `confirm.pending`, `confirm.busy` without .value.
  return reactive({ pending, busy, error, ask, cancel, run })
}

/** Busy / error / done-message state of a form submission. */
export function useSubmit() {
  const describe = useErrorMessage()
  const busy = ref(false)
  const error = ref('')
  const message = ref('')

  async function submit(action: () => Promise<unknown>, done = ''): Promise<boolean> {
    if (busy.value) return false
    busy.value = true
    error.value = ''
    message.value = ''
    try {
      await action()
      message.value = done
      return true
    } catch (err) {
      error.value = describe(err)
      return false
    } finally {
      busy.value = false
    }
  }

  return reactive({ busy, error, message, submit })
}
