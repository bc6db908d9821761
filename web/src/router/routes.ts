// The app's routes. `meta.title` is an i18n key, `meta.perm` the permission a route needs,
// `meta.icon` a key of components/layout/icons.ts; groups have no component of their own.
import type { RouteRecordRaw } from 'vue-router'
import AppLayout from '@/components/layout/AppLayout.vue'

/** Who takes part in the case workflow (the menu group 事件处理 and the to-do list). */
const CASE_WORKERS = ['case:report', 'case:dispatch', 'case:handle', 'case:supervise'] as const
/** Who may read cases: the workflow's roles and the report readers (as the server checks). */
const CASE_READERS = [...CASE_WORKERS, 'stats:read'] as const

export const layoutChildren: RouteRecordRaw[] = [
  {
    path: '',
    name: 'dashboard',
    component: () => import('@/views/dashboard/index.vue'),
    meta: { title: 'menu.dashboard', icon: 'home' },
  },
  {
    path: 'map',
    name: 'map',
    // OpenLayers stays out of the main bundle: only this page loads it.
    component: () => import('@/views/map/index.vue'),
    meta: { title: 'menu.map', icon: 'map', perm: 'map:read' },
  },
  {
    path: 'org',
    name: 'org',
    redirect: { name: 'org-units' },
    meta: { title: 'menu.org', icon: 'org' },
    children: [
      {
        path: 'units',
        name: 'org-units',
        component: () => import('@/views/org/units/index.vue'),
        meta: { title: 'menu.orgUnits', perm: 'org:read' },
      },
      {
        path: 'departments',
        name: 'departments',
        component: () => import('@/views/org/departments/index.vue'),
        meta: { title: 'menu.departments', perm: 'department:read' },
      },
      {
        path: 'staff',
        name: 'staff',
        component: () => import('@/views/org/staff/index.vue'),
        meta: { title: 'menu.staff', perm: 'staff:read' },
      },
    ],
  },
  {
    path: 'governance',
    name: 'governance',
    redirect: { name: 'governance-rental' },
    meta: { title: 'menu.governance', icon: 'governance', perm: ['rental:read', 'dispute:read', 'petition:read', 'notice:read', 'notice:template', 'camera:read', 'incident:read', 'followup:read', 'watch:read'] },
    children: [
      {
        path: 'rental',
        name: 'governance-rental',
        component: () => import('@/views/governance/rental/index.vue'),
        meta: { title: 'menu.rentalHouses', perm: 'rental:read' },
      },
      {
        path: 'disputes',
        name: 'governance-disputes',
        component: () => import('@/views/governance/disputes/index.vue'),
        meta: { title: 'menu.disputes', perm: 'dispute:read' },
      },
      {
        path: 'dispute-screenings',
        name: 'governance-dispute-screenings',
        component: () => import('@/views/governance/screenings/index.vue'),
        meta: { title: 'menu.disputeScreenings', perm: 'dispute:read' },
      },
      {
        path: 'dispute-tally',
        name: 'governance-dispute-tally',
        component: () => import('@/views/governance/dispute-tally/index.vue'),
        meta: { title: 'menu.disputeTally', perm: 'dispute:read' },
      },
      {
        path: 'inspection-tasks',
        name: 'governance-inspection-tasks',
        component: () => import('@/views/governance/inspection-tasks/index.vue'),
        meta: { title: 'menu.inspectionTasks', perm: 'rental:read' },
      },
      {
        path: 'cameras',
        name: 'governance-cameras',
        component: () => import('@/views/governance/cameras/index.vue'),
        meta: { title: 'menu.cameras', perm: 'camera:read' },
      },
      {
        path: 'petitions',
        name: 'governance-petitions',
        component: () => import('@/views/governance/petitions/index.vue'),
        meta: { title: 'menu.petitions', perm: 'petition:read' },
      },
      {
        path: 'incidents',
        name: 'governance-incidents',
        component: () => import('@/views/governance/incidents/index.vue'),
        meta: { title: 'menu.incidents', perm: 'incident:read' },
      },
      {
        path: 'special-groups',
        name: 'governance-special-groups',
        component: () => import('@/views/governance/special-groups/index.vue'),
        meta: { title: 'menu.specialGroups', perm: 'followup:read' },
      },
      {
        path: 'watch-teams',
        name: 'governance-watch-teams',
        component: () => import('@/views/governance/watch-teams/index.vue'),
        meta: { title: 'menu.watchTeams', perm: 'watch:read' },
      },
      {
        path: 'registers',
        name: 'governance-registers',
        component: () => import('@/views/governance/registers/index.vue'),
        meta: { title: 'menu.registers', perm: 'register:read' },
      },
      {
        path: 'notices',
        name: 'governance-notices',
        component: () => import('@/views/governance/notices/index.vue'),
        meta: { title: 'menu.notices', perm: ['notice:read', 'notice:template'] },
      },
    ],
  },
  {
    path: 'registry',
    name: 'registry',
    redirect: { name: 'registry-residents' },
    meta: { title: 'menu.registry', icon: 'registry', perm: ['registry:read', 'resident:read'] },
    children: [
      {
        path: 'residents',
        name: 'registry-residents',
        component: () => import('@/views/registry/residents/index.vue'),
        meta: { title: 'menu.residents', perm: 'resident:read' },
      },
      {
        path: 'buildings',
        name: 'registry-buildings',
        component: () => import('@/views/registry/buildings/index.vue'),
        meta: { title: 'menu.buildings', perm: 'registry:read' },
      },
      {
        path: 'houses',
        name: 'registry-houses',
        component: () => import('@/views/registry/houses/index.vue'),
        meta: { title: 'menu.houses', perm: 'registry:read' },
      },
      {
        path: 'property-companies',
        name: 'registry-property-companies',
        component: () => import('@/views/registry/property-companies/index.vue'),
        meta: { title: 'menu.propertyCompanies', perm: 'registry:read' },
      },
      {
        path: 'key-places',
        name: 'registry-key-places',
        component: () => import('@/views/registry/key-places/index.vue'),
        meta: { title: 'menu.keyPlaces', perm: 'registry:read' },
      },
      {
        path: 'key-enterprises',
        name: 'registry-key-enterprises',
        component: () => import('@/views/registry/key-enterprises/index.vue'),
        meta: { title: 'menu.keyEnterprises', perm: 'registry:read' },
      },
      {
        path: 'import',
        name: 'registry-import',
        component: () => import('@/views/registry/import/index.vue'),
        // Reading the job and its rejected rows needs registry:write as well.
        meta: { title: 'menu.registryImport', perm: 'registry:write' },
      },
      {
        path: 'summary',
        name: 'registry-summary',
        component: () => import('@/views/registry/summary/index.vue'),
        meta: { title: 'menu.registrySummary', perm: 'registry:read' },
      },
    ],
  },
  {
    path: 'cases',
    name: 'cases',
    redirect: { name: 'cases-inbox' },
    meta: { title: 'menu.cases', icon: 'cases', perm: CASE_READERS },
    children: [
      {
        path: 'report',
        name: 'cases-report',
        component: () => import('@/views/cases/report/index.vue'),
        meta: { title: 'menu.caseReport', perm: 'case:report' },
      },
      {
        path: 'inbox',
        name: 'cases-inbox',
        component: () => import('@/views/cases/inbox/index.vue'),
        meta: { title: 'menu.caseInbox', perm: CASE_WORKERS },
      },
      {
        path: 'list',
        name: 'cases-list',
        component: () => import('@/views/cases/list/index.vue'),
        meta: { title: 'menu.caseList', perm: CASE_READERS },
      },
      {
        path: 'stats',
        name: 'cases-stats',
        component: () => import('@/views/cases/stats/index.vue'),
        meta: { title: 'menu.caseStats', perm: CASE_READERS },
      },
      {
        path: ':id(\\d+)',
        name: 'case-detail',
        component: () => import('@/views/cases/detail/index.vue'),
        meta: { title: 'menu.caseDetail', perm: CASE_READERS, hideInMenu: true },
      },
    ],
  },
  {
    path: 'system',
    name: 'system',
    redirect: { name: 'users' },
    meta: { title: 'menu.system', icon: 'system' },
    children: [
      {
        path: 'users',
        name: 'users',
        component: () => import('@/views/system/users/index.vue'),
        meta: { title: 'menu.users', perm: 'user:read' },
      },
      {
        path: 'roles',
        name: 'roles',
        component: () => import('@/views/system/roles/index.vue'),
        meta: { title: 'menu.roles', perm: 'role:read' },
      },
      // The case taxonomy and the working-day calendar are configuration, kept by the administrator.
      {
        path: 'case-items',
        name: 'case-items',
        component: () => import('@/views/system/case-items/index.vue'),
        meta: { title: 'menu.caseItems', perm: 'org:write' },
      },
      {
        path: 'calendar',
        name: 'case-calendar',
        component: () => import('@/views/system/calendar/index.vue'),
        meta: { title: 'menu.caseCalendar', perm: 'org:write' },
      },
      // The rules and limits the governance modules run on (rental classes, disputes, petitions, stability).
      {
        path: 'governance-settings',
        name: 'governance-settings',
        component: () => import('@/views/system/governance-settings/index.vue'),
        meta: { title: 'menu.governanceSettings', perm: 'governance:settings' },
      },
      {
        path: 'api-keys',
        name: 'api-keys',
        component: () => import('@/views/system/api-keys/index.vue'),
        meta: { title: 'menu.apiKeys', perm: 'org:write' },
      },
    ],
  },
  {
    path: 'audit',
    name: 'audit',
    redirect: { name: 'audit-logs' },
    meta: { title: 'menu.audit', icon: 'audit', perm: 'audit:read' },
    children: [
      {
        path: 'logs',
        name: 'audit-logs',
        component: () => import('@/views/audit/logs/index.vue'),
        meta: { title: 'menu.auditLogs', perm: 'audit:read' },
      },
      {
        path: 'login-logs',
        name: 'login-logs',
        component: () => import('@/views/audit/login-logs/index.vue'),
        meta: { title: 'menu.loginLogs', perm: 'audit:read' },
      },
    ],
  },
  {
    path: 'account',
    name: 'account',
    redirect: { name: 'change-password' },
    meta: { title: 'menu.account', hideInMenu: true },
    children: [
      {
        path: 'password',
        name: 'change-password',
        component: () => import('@/views/account/password/index.vue'),
        meta: { title: 'menu.changePassword' },
      },
      {
        path: 'totp',
        name: 'totp',
        component: () => import('@/views/account/totp/index.vue'),
        meta: { title: 'menu.totp' },
      },
    ],
  },
  {
    path: '403',
    name: 'forbidden',
    component: () => import('@/views/error/403.vue'),
    meta: { title: 'menu.forbidden', hideInMenu: true },
  },
  {
    path: ':pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/error/404.vue'),
    meta: { title: 'menu.notFound', hideInMenu: true },
  },
]

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/login/index.vue'),
    meta: { title: 'login.title', public: true },
  },
  {
    path: '/',
    component: AppLayout,
    children: layoutChildren,
  },
]
