// The pages in the main menu, in order. The router uses the same names; the menu links get
// data-test="nav-<name>".
import type { MessageKey } from './i18n'

export type NavSection = 'inventory' | 'analysis' | 'admin'

export interface NavItem {
  name: string
  titleKey: MessageKey
  section: NavSection
  adminOnly?: boolean
}

export const NAV_ITEMS: readonly NavItem[] = [
  { name: 'overview', titleKey: 'nav.overview', section: 'inventory' },
  { name: 'assets', titleKey: 'nav.assets', section: 'inventory' },
  { name: 'changes', titleKey: 'nav.changes', section: 'inventory' },
  { name: 'alerts', titleKey: 'nav.alerts', section: 'inventory' },
  { name: 'scans', titleKey: 'nav.scans', section: 'inventory' },
  { name: 'topology', titleKey: 'nav.topology', section: 'inventory' },
  { name: 'certificates', titleKey: 'nav.certificates', section: 'inventory' },
  { name: 'compliance', titleKey: 'nav.compliance', section: 'analysis' },
  { name: 'risk', titleKey: 'nav.risk', section: 'analysis' },
  { name: 'vulnerabilities', titleKey: 'nav.vulnerabilities', section: 'analysis' },
  { name: 'shield', titleKey: 'nav.shield', section: 'analysis' },
  { name: 'analytics', titleKey: 'nav.analytics', section: 'analysis' },
  { name: 'agents', titleKey: 'nav.agents', section: 'admin' },
  { name: 'subnets', titleKey: 'nav.subnets', section: 'admin' },
  { name: 'switches', titleKey: 'nav.switches', section: 'admin' },
  { name: 'settings', titleKey: 'nav.settings', section: 'admin' },
  { name: 'alert-settings', titleKey: 'nav.alertSettings', section: 'admin', adminOnly: true },
  { name: 'users', titleKey: 'nav.users', section: 'admin', adminOnly: true },
  { name: 'audit', titleKey: 'nav.audit', section: 'admin', adminOnly: true },
]

export const NAV_SECTIONS: readonly { id: NavSection; titleKey: MessageKey }[] = [
  { id: 'inventory', titleKey: 'nav.sectionInventory' },
  { id: 'analysis', titleKey: 'nav.sectionAnalysis' },
  { id: 'admin', titleKey: 'nav.sectionAdmin' },
]
