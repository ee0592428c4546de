// HAND-WRITTEN API TYPES for the agent endpoints.
//
// The server does not publish these in openapi.json yet. When it does, run `npm run gen:api`,
// delete the matching entries here (the compile-time check at the bottom fails while an
// operationId is defined in both places) and import the generated types instead.

// Names and shapes mirror the server's Rust types (src/store/agents.rs, enrollments.rs,
// src/server/api/agents.rs) as the generator will emit them: `Option<T>` fields are optional
// and nullable, so switching to the generated types changes nothing for the views.

export type AgentState = 'pending' | 'online' | 'stale' | 'offline' | 'revoked'

export interface AgentView {
  id: string
  name: string
  site: string
  state: AgentState
  version?: string | null
  subnets: string[]
  queue_depth: number
  /** What it said it was doing: idle, scanning or stopping. */
  activity?: string | null
  /** The last problem it reported. */
  last_error?: string | null
  heartbeat_seconds: number
  created_at: string
  last_seen_at?: string | null
  last_scan_at?: string | null
  revoked_at?: string | null
}

export interface AgentList {
  agents: AgentView[]
}

export interface EnrollmentRequest {
  /** The site the agent will report into (created if new); `local` when absent. */
  site?: string | null
  /** Hours the token stays valid, 1-720 (default 24). */
  expires_hours?: number | null
}

/** Answer to POST /api/agents/enrollments: the token is shown this once. */
export interface NewEnrollment {
  id: string
  site: string
  token: string
  expires_at: string
}

export interface EnrollmentView {
  id: string
  site: string
  created_at: string
  expires_at: string
  used_at?: string | null
  agent_id?: string | null
  /** active, used or expired. */
  state: string
}

export interface EnrollmentList {
  enrollments: EnrollmentView[]
}

/** Answer to POST /api/agents/{id}/rotate: the new token is shown this once. */
export interface Registered {
  agent_id: string
  site: string
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
    body: EnrollmentRequest
    response: NewEnrollment
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
    response: AgentView
  }
  agent_rotate: {
    method: 'POST'
    path: '/api/agents/{id}/rotate'
    pathParams: { id: string }
    query: never
    body: never
    response: Registered
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
