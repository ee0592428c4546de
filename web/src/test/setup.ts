// Runs around every test file: each test starts with a clean client, DOM and storage.
import { afterEach } from 'vitest'
import { resetApp } from './mountApp'

afterEach(() => resetApp())
