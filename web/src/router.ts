import { createRouter, createWebHistory, type RouteRecordRaw, type Router, type RouterHistory } from 'vue-router'
import type { ApiClient } from './api'
import { queryString } from './lib/query'
import { useSessionStore } from './stores/session'
import { SERVER_DEFAULT_SITE, useSitesStore } from './stores/sites'

/**
 * Only same-app absolute paths are followed after login: no `//host`, `/\host` (browsers
 * read a backslash as a slash) or `https:` escapes to another site.
 */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/'
}

// Every page is its own chunk (lazy import), so the first load only fetches the shell.
const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./views/LoginView.vue'),
    meta: { public: true, titleKey: 'nav.login' },
  },
  {
    path: '/',
    name: 'overview',
    component: () => import('./views/OverviewView.vue'),
    meta: { titleKey: 'nav.overview' },
  },
  {
    path: '/assets',
    name: 'assets',
    component: () => import('./views/AssetsView.vue'),
    meta: { titleKey: 'nav.assets' },
  },
  {
    path: '/assets/:id',
    name: 'asset',
    component: () => import('./views/AssetDetailView.vue'),
    meta: { titleKey: 'nav.asset' },
  },
  {
    path: '/changes',
    name: 'changes',
    component: () => import('./views/ChangesView.vue'),
    meta: { titleKey: 'nav.changes' },
  },
  {
    path: '/alerts',
    name: 'alerts',
    component: () => import('./views/AlertsView.vue'),
    meta: { titleKey: 'nav.alerts' },
  },
  {
    path: '/alerts/settings',
    name: 'alert-settings',
    component: () => import('./views/AlertSettingsView.vue'),
    meta: { titleKey: 'nav.alertSettings', adminOnly: true },
  },
  {
    path: '/scans',
    name: 'scans',
    component: () => import('./views/ScansView.vue'),
    meta: { titleKey: 'nav.scans' },
  },
  {
    path: '/topology',
    name: 'topology',
    component: () => import('./views/TopologyView.vue'),
    meta: { titleKey: 'nav.topology' },
  },
  {
    path: '/topology/layer2',
    name: 'layer2',
    component: () => import('./views/Layer2View.vue'),
    meta: { titleKey: 'nav.layer2', navName: 'topology' },
  },
  {
    path: '/subnets',
    name: 'subnets',
    component: () => import('./views/SubnetsView.vue'),
    meta: { titleKey: 'nav.subnets' },
  },
  {
    path: '/switches',
    name: 'switches',
    component: () => import('./views/SwitchesView.vue'),
    meta: { titleKey: 'nav.switches' },
  },
  {
    path: '/certificates',
    name: 'certificates',
    component: () => import('./views/CertificatesView.vue'),
    meta: { titleKey: 'nav.certificates' },
  },
  {
    path: '/compliance',
    name: 'compliance',
    component: () => import('./views/ComplianceView.vue'),
    meta: { titleKey: 'nav.compliance' },
  },
  {
    path: '/risk',
    name: 'risk',
    component: () => import('./views/RiskView.vue'),
    meta: { titleKey: 'nav.risk' },
  },
  {
    path: '/vulnerabilities',
    name: 'vulnerabilities',
    component: () => import('./views/VulnerabilitiesView.vue'),
    meta: { titleKey: 'nav.vulnerabilities' },
  },
  {
    path: '/shield',
    name: 'shield',
    component: () => import('./views/ShieldView.vue'),
    meta: { titleKey: 'nav.shield' },
  },
  {
    path: '/shield/findings',
    name: 'shield-findings',
    component: () => import('./views/ShieldFindingsView.vue'),
    meta: { titleKey: 'nav.shieldFindings', navName: 'shield' },
  },
  {
    path: '/shield/scans',
    name: 'shield-scans',
    component: () => import('./views/ShieldScansView.vue'),
    meta: { titleKey: 'nav.shieldScans', navName: 'shield' },
  },
  {
    path: '/shield/scans/:id',
    name: 'shield-scan',
    component: () => import('./views/ShieldScanView.vue'),
    meta: { titleKey: 'nav.shieldScan', navName: 'shield' },
  },
  {
    path: '/analytics',
    name: 'analytics',
    component: () => import('./views/AnalyticsView.vue'),
    meta: { titleKey: 'nav.analytics' },
  },
  {
    path: '/agents',
    name: 'agents',
    component: () => import('./views/AgentsView.vue'),
    meta: { titleKey: 'nav.agents' },
  },
  {
    path: '/agents/:id/commands',
    name: 'agent-commands',
    component: () => import('./views/AgentCommandsView.vue'),
    meta: { titleKey: 'nav.agentCommands', navName: 'agents' },
  },
  {
    // The menu's entry: the settings of the globally selected site, else of the first site.
    path: '/settings',
    name: 'settings',
    component: () => import('./views/SiteSettingsView.vue'),
    meta: { titleKey: 'nav.settings' },
    beforeEnter: async (to) => {
      const sites = useSitesStore()
      await sites.ensureLoaded()
      const site = queryString(to.query, 'site') || sites.names[0] || SERVER_DEFAULT_SITE
      return { name: 'site-settings', params: { site }, query: to.query, replace: true }
    },
  },
  {
    path: '/sites/:site/settings',
    name: 'site-settings',
    component: () => import('./views/SiteSettingsView.vue'),
    meta: { titleKey: 'nav.settings', navName: 'settings' },
  },
  {
    path: '/audit',
    name: 'audit',
    component: () => import('./views/AuditView.vue'),
    meta: { titleKey: 'nav.audit', adminOnly: true },
  },
  {
    path: '/users',
    name: 'users',
    component: () => import('./views/UsersView.vue'),
    meta: { titleKey: 'nav.users', adminOnly: true },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFoundView.vue'),
    meta: { titleKey: 'nav.notFound' },
  },
]

export function createAppRouter(history: RouterHistory = createWebHistory('/')): Router {
  const router = createRouter({ history, routes })

  router.beforeEach(async (to) => {
    const session = useSessionStore()
    await session.ensureLoaded() // asks /api/auth/me once per page load
    if (!to.meta.public && !session.isLoggedIn) {
      return {
        name: 'login',
        query: to.fullPath === '/' ? {} : { redirect: to.fullPath },
        replace: true,
      }
    }
    if (to.name === 'login' && session.isLoggedIn) {
      return { path: safeRedirect(to.query.redirect), replace: true }
    }
    if (to.meta.adminOnly && !session.isAdmin) {
      return { name: 'overview', query: to.query.site ? { site: to.query.site } : {}, replace: true }
    }
    return true
  })

  // The URL is the source of truth for the global site filter; mirror it into the store.
  router.afterEach((to) => {
    if (!to.meta.public) useSitesStore().select(queryString(to.query, 'site'))
  })

  return router
}

/**
 * Give the API client the store's CSRF token, and make any 401 outside login / me (the
 * session expired or was revoked) drop the user and go to the login page, which explains
 * what happened and comes back to the same page afterwards.
 */
export function connectApi(client: ApiClient, router: Router): void {
  const session = useSessionStore()
  client.configure({
    csrfToken: () => session.csrfToken,
    onUnauthorized: () => {
      session.markExpired()
      const current = router.currentRoute.value
      if (current.name !== 'login') {
        void router.replace({
          name: 'login',
          query: current.fullPath === '/' ? {} : { redirect: current.fullPath },
        })
      }
    },
  })
}
