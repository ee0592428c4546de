import { computed, onBeforeUnmount, reactive, ref, shallowRef, watch, type Ref, type WatchSource } from 'vue'
import { useRoute } from 'vue-router'
import { ApiError } from '../api'
import { useI18n } from '../i18n'

/** A page's data and its loading state (a reactive object: no `.value` needed). */
export interface ApiData<T> {
  /** The last successful answer; kept while a reload runs, so the page does not flash. */
  readonly data: T | null
  /** A message for the user, "" when the last load worked. */
  readonly error: string
  readonly loading: boolean
  /** The first answer (data or error) is in and nothing is loading: pages expose this as data-ready. */
  readonly ready: boolean
  reload: () => Promise<void>
}

/** A user-facing message for a failed call: the server's reason, or a translated fallback. */
export function useErrorMessage() {
  const { t } = useI18n()
  return (err: unknown): string => {
    if (err instanceof ApiError) {
      if (err.status === 0) return t('state.unreachable')
      if (err.status === 403) return t('state.forbidden')
      return err.message
    }
    return t('state.error')
  }
}

/**
 * Loads data for a page and reloads it whenever `source` changes (site, filters, page…).
 * A newer load aborts the older one, so a slow answer never overwrites a newer one, and the
 * in-flight request is aborted when the component goes away. While the route is leaving this
 * page (e.g. to /login after a 401) changes of `source` are ignored.
 */
export function useApiData<T, S>(source: WatchSource<S>, load: (value: S, signal: AbortSignal) => Promise<T>): ApiData<T> {
  const route = useRoute()
  const routeName = route.name
  const describe = useErrorMessage()

  const data = shallowRef<T | null>(null)
  const error = ref('')
  const loading = ref(false)
  let controller: AbortController | null = null

  async function run(value: S): Promise<void> {
    controller?.abort()
    const ctrl = new AbortController()
    controller = ctrl
    loading.value = true
    try {
      const result = await load(value, ctrl.signal)
      if (ctrl.signal.aborted) return
      data.value = result
      error.value = ''
    } catch (err) {
      if (ctrl.signal.aborted) return
      error.value = describe(err)
    } finally {
      if (controller === ctrl) {
        loading.value = false
        controller = null
      }
    }
  }

  const stop = watch(
    source,
    (value) => {
      if (route.name !== routeName) return
      void run(value)
    },
    { immediate: true, deep: true },
  )

  onBeforeUnmount(() => {
    stop()
    controller?.abort()
  })

  const ready = computed(() => !loading.value && (data.value !== null || error.value !== ''))
  const getter = typeof source === 'function' ? (source as () => S) : () => (source as Ref<S>).value
  // reactive() unwraps the refs for templates; `data` stays a shallowRef inside, so big answers
  // (a topology of thousands of nodes) are not made deeply reactive. The cast only restates that.
  return reactive({ data, error, loading, ready, reload: () => run(getter()) }) as unknown as ApiData<T>
}
