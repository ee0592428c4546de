// HAND-WRITTEN API TYPES for the agent endpoints.
//
// The server does not publish these in openapi.json yet. When it does, run `npm run gen:api`,
// delete the matching entries here (the compile-time check at the bottom fails while an
// operationId is defined in both places) and import the generated types instead.
// The shapes follow the agent API brief: GET /api/agents, enrollments, revoke/rotate/delete.

export type AgentState = 'pending' | 'online' | 'stale' | 'offline' | 'revoked'

export interface Agent {
  id: string
  name: string
  site: string
  state: AgentState
  version: string | null
  subnets: string[]
  queue_depth: number
  created_at: string
  last_seen_at: string | null
  last_scan_at: string | null
  revoked_at: string | null
}

export interface AgentList {
  agents: Agent[]
}

export interface NewEnrollment {
  site: string
  /** 1–720 hours. */
  expires_hours: number
}

/** Answer to POST /api/agents/enrollments: the token is shown this once. */
export interface CreatedEnrollment {
  id: string
  site: string
  token: string
  expires_at: string
}

export type EnrollmentState = 'active' | 'used' | 'expired'

export interface Enrollment {
  id: string
  site: string
  created_at: string
  expires_at: string
  used_at: string | null
  agent_id: string | null
  state: EnrollmentState
}

export interface EnrollmentList {
  enrollments: Enrollment[]
}

/** Answer to POST /api/agents/{id}/rotate: the new token is shown this once. */
export interface RotatedToken {
  agent_id: string
  token: string
}

/** Same layout as the generated `Operations` table in schema.ts. */
export interface AgentOperations {
  agent_list: {
    method: 'GET'
    path: '/api/agents'
    pathParams: never
    query: { site?: string }
    body: never
    response: AgentList
  }
  enrollment_add: {
    method: 'POST'
    path: '/api/agents/enrollments'
    pathParams: never
    query: never
    body: NewEnrollment
    response: CreatedEnrollment
  }
  enrollment_list: {
    method: 'GET'
    path: '/api/agents/enrollments'
    pathParams: never
    query: never
    body: never
    response: EnrollmentList
  }
  enrollment_remove: {
    method: 'DELETE'
    path: '/api/agents/enrollments/{id}'
    pathParams: { id: string }
    query: never
    body: never
    response: void
  }
  agent_revoke: {
    method: 'POST'
    path: '/api/agents/{id}/revoke'
    pathParams: { id: string }
    query: never
    body: never
    response: Agent
  }
  agent_rotate: {
    method: 'POST'
    path: '/api/agents/{id}/rotate'
    pathParams: { id: string }
    query: never
    body: never
    response: RotatedToken
  }
  agent_remove: {
    method: 'DELETE'
    path: '/api/agents/{id}'
    pathParams: { id: string }
    query: never
    body: never
    response: void
  }
}

export const AGENT_OPERATIONS = {
  agent_list: { method: 'GET', path: '/api/agents' },
  enrollment_add: { method: 'POST', path: '/api/agents/enrollments' },
  enrollment_list: { method: 'GET', path: '/api/agents/enrollments' },
  enrollment_remove: { method: 'DELETE', path: '/api/agents/enrollments/{id}' },
  agent_revoke: { method: 'POST', path: '/api/agents/{id}/revoke' },
  agent_rotate: { method: 'POST', path: '/api/agents/{id}/rotate' },
  agent_remove: { method: 'DELETE', path: '/api/agents/{id}' },
} as const satisfies {
  [K in keyof AgentOperations]: {
    method: AgentOperations[K]['method']
    path: AgentOperations[K]['path']
  }
}
