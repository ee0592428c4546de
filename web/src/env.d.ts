/// <reference types="vite/client" />

import 'vue-router'
import type { MessageKey } from './i18n/en'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (the login page). */
    public?: boolean
    /** Only administrators may open it; others are sent to the overview. */
    adminOnly?: boolean
    /** i18n key of the page title (document title and heading). */
    titleKey?: MessageKey
    /** The menu entry shown as current when it is not this route's own (a site's settings). */
    navName?: string
  }
}
