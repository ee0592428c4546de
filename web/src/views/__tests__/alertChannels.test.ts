// Channel schedules and on/off in the alert settings: the add form's schedule section, the
// schedule in words in the list, and the PATCH behind "turn off" and "edit schedule".
import { describe, expect, it } from 'vitest'
import type { ChannelChange, ChannelView, NewChannel } from '../../api'
import { ADMIN, json, type FakeRequest } from '../../test/fakeApi'
import { channel, delivery, site } from '../../test/fixtures'
import { mountApp, settle } from '../../test/mountApp'

const page = <T>(items: T[], total = items.length) => ({ items, total, page: 1, per_page: 50 })

const DAILY = channel(2, {
  name: 'soc-mail',
  kind: 'smtp',
  enabled: false,
  schedule: { digest: 'daily', quiet_hours: '22:00-07:00', timezone: 'Europe/Istanbul', urgent: 'high' },
})

const SETTINGS = {
  'GET /api/sites': { sites: [site('hq')] },
  'GET /api/alerts/rules': [],
  'GET /api/alerts/channels': [channel(1), DAILY],
  'GET /api/alerts/deliveries': page([]),
}

type Wrapper = Awaited<ReturnType<typeof mountApp>>['wrapper']
const rows = (wrapper: Wrapper) => wrapper.findAll('[data-test="channel-row"]')
const value = (wrapper: Pick<Wrapper, 'get'>, test: string) =>
  (wrapper.get(`[data-test="${test}"]`).element as HTMLInputElement).value

/** A PATCH handler that records the bodies and answers with the channel changed. */
function patching(base: ChannelView, bodies: ChannelChange[]) {
  return (req: FakeRequest) => {
    const change = req.body as ChannelChange
    bodies.push(change)
    return {
      ...base,
      ...(change.enabled === undefined ? {} : { enabled: change.enabled }),
      schedule: change.schedule ?? base.schedule,
    }
  }
}

describe('channel schedules', () => {
  it('lists each channel’s schedule in words and whether it is on', async () => {
    const { wrapper } = await mountApp('/alerts/settings', { session: ADMIN, routes: SETTINGS })
    const [hook, mail] = rows(wrapper)
    expect(hook!.get('[data-test="channel-schedule"]').text()).toBe('At once')
    expect(hook!.attributes('data-enabled')).toBe('true')
    expect(hook!.find('[data-test="channel-disabled"]').exists()).toBe(false)
    expect(hook!.get('[data-test="channel-toggle"]').text()).toBe('Turn off')
    expect(mail!.get('[data-test="channel-schedule"]').text()).toBe(
      'Daily digest at 08:00, quiet 22:00-07:00, high and above at once',
    )
    expect(mail!.attributes('data-enabled')).toBe('false')
    expect(mail!.get('[data-test="channel-disabled"]').text()).toBe('off')
    expect(mail!.get('[data-test="channel-toggle"]').text()).toBe('Turn on')
  })

  it('marks a channel whose sends fail, and says when the server tries it again', async () => {
    const failing = channel(3, { name: 'dead-hook', failures: 3, paused_until: '2026-11-23T08:00:40Z' })
    const { wrapper } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: { ...SETTINGS, 'GET /api/alerts/channels': [channel(1), failing] },
    })
    const [hook, dead] = rows(wrapper)
    expect(hook!.find('[data-test="channel-failing"]').exists()).toBe(false)
    const badge = dead!.get('[data-test="channel-failing"]')
    expect(badge.text()).toBe('Failing (3 in a row)')
    expect(badge.attributes('title')).toContain('Next try after')
  })

  it('reads in Turkish too', async () => {
    localStorage.setItem('bigr.locale', 'tr')
    const { wrapper } = await mountApp('/alerts/settings', { session: ADMIN, routes: SETTINGS })
    const [hook, mail] = rows(wrapper)
    expect(hook!.get('[data-test="channel-schedule"]').text()).toBe('Hemen')
    expect(mail!.get('[data-test="channel-schedule"]').text()).toBe(
      'Günlük özet 08:00, sessiz saatler 22:00-07:00, yüksek ve üstü hemen',
    )
    expect(mail!.get('[data-test="channel-toggle"]').text()).toBe('Aç')
  })

  it('adds a channel with a schedule only when one was changed, the quiet hours in one piece', async () => {
    const bodies: NewChannel[] = []
    const { wrapper } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: {
        ...SETTINGS,
        'POST /api/alerts/channels': (req: FakeRequest) => {
          bodies.push(req.body as NewChannel)
          return json(201, { channel: channel(5) })
        },
      },
    })
    const form = wrapper.get('[data-test="channel-form"]')
    // The defaults: at once, no quiet hours, the server's zone, critical is urgent.
    expect(value(form, 'schedule-digest')).toBe('off')
    expect(value(form, 'schedule-quiet-from')).toBe('')
    expect(value(form, 'schedule-timezone')).toBe('')
    expect(form.get('[data-test="schedule-timezone"]').attributes('placeholder')).toBe('Europe/Istanbul')
    expect(value(form, 'schedule-urgent')).toBe('critical')
    // The time of day is asked for daily digests only.
    expect(form.find('[data-test="schedule-daily-at"]').exists()).toBe(false)
    await form.get('[data-test="schedule-digest"]').setValue('daily')
    expect(value(form, 'schedule-daily-at')).toBe('08:00')
    await form.get('[data-test="schedule-digest"]').setValue('off')
    expect(form.find('[data-test="schedule-daily-at"]').exists()).toBe(false)

    await form.get('[data-test="channel-name"]').setValue('hook')
    await form.get('[data-test="channel-url"]').setValue('https://alerts.example.com/bigr')
    await form.trigger('submit')
    await settle()
    expect(bodies[0]).not.toHaveProperty('schedule')

    // One end of the quiet hours asks for the other.
    expect(form.get('[data-test="schedule-quiet-to"]').attributes('required')).toBeUndefined()
    await form.get('[data-test="schedule-quiet-from"]').setValue('22:00')
    expect(form.get('[data-test="schedule-quiet-to"]').attributes('required')).toBeDefined()
    await form.get('[data-test="schedule-quiet-to"]').setValue('07:00')
    await form.get('[data-test="schedule-digest"]').setValue('daily')
    await form.get('[data-test="schedule-daily-at"]').setValue('18:30')
    await form.get('[data-test="schedule-timezone"]').setValue(' UTC ')
    await form.get('[data-test="schedule-urgent"]').setValue('high')
    await form.get('[data-test="channel-name"]').setValue('digest')
    await form.get('[data-test="channel-url"]').setValue('https://alerts.example.com/bigr')
    await form.trigger('submit')
    await settle()
    expect(bodies[1]!.schedule).toEqual({
      digest: 'daily',
      daily_at: '18:30',
      quiet_hours: '22:00-07:00',
      timezone: 'UTC',
      urgent: 'high',
    })
    // The next channel starts at the defaults again.
    expect(value(form, 'schedule-digest')).toBe('off')
    expect(value(form, 'schedule-quiet-from')).toBe('')
  })

  it('turns a channel off and on with a PATCH and updates the row from the answer', async () => {
    const bodies: ChannelChange[] = []
    const hook = channel(1)
    const { wrapper, server } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: { ...SETTINGS, [`PATCH /api/alerts/channels/${hook.id}`]: patching(hook, bodies) },
    })
    await rows(wrapper)[0]!.get('[data-test="channel-toggle"]').trigger('click')
    await settle()
    expect(bodies).toEqual([{ enabled: false }])
    expect(server.callsTo(`PATCH /api/alerts/channels/${hook.id}`)[0]!.headers.get('X-CSRF-Token')).toBe('csrf-admin')
    const row = rows(wrapper)[0]!
    expect(row.attributes('data-enabled')).toBe('false')
    expect(row.get('[data-test="channel-disabled"]').text()).toBe('off')
    expect(row.get('[data-test="channel-toggle"]').text()).toBe('Turn on')
    // No reload: the answer is the channel as it now is.
    expect(server.callsTo('GET /api/alerts/channels')).toHaveLength(1)

    await row.get('[data-test="channel-toggle"]').trigger('click')
    await settle()
    expect(bodies[1]).toEqual({ enabled: true })
    expect(rows(wrapper)[0]!.attributes('data-enabled')).toBe('true')
  })

  it('shows why turning a channel on was refused', async () => {
    const { wrapper } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: { ...SETTINGS, [`PATCH /api/alerts/channels/${DAILY.id}`]: json(404, { error: 'alert channel not found' }) },
    })
    await rows(wrapper)[1]!.get('[data-test="channel-toggle"]').trigger('click')
    await settle()
    const row = rows(wrapper)[1]!
    expect(row.get('[data-test="channel-toggle-error"]').text()).toBe('alert channel not found')
    expect(row.attributes('data-enabled')).toBe('false')
  })

  it('edits a schedule in a dialog that starts from the stored one, and PATCHes the whole schedule', async () => {
    const bodies: ChannelChange[] = []
    const { wrapper } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: { ...SETTINGS, [`PATCH /api/alerts/channels/${DAILY.id}`]: patching(DAILY, bodies) },
    })
    await rows(wrapper)[1]!.get('[data-test="channel-edit-schedule"]').trigger('click')
    await settle()
    const dialog = wrapper.get('[data-test="schedule-dialog"]')
    expect(dialog.text()).toContain('Schedule of soc-mail')
    expect(value(dialog, 'schedule-digest')).toBe('daily')
    expect(value(dialog, 'schedule-daily-at')).toBe('08:00')
    expect(value(dialog, 'schedule-quiet-from')).toBe('22:00')
    expect(value(dialog, 'schedule-quiet-to')).toBe('07:00')
    expect(value(dialog, 'schedule-timezone')).toBe('Europe/Istanbul')
    expect(value(dialog, 'schedule-urgent')).toBe('high')

    await dialog.get('[data-test="schedule-digest"]').setValue('hourly')
    await dialog.get('[data-test="schedule-quiet-from"]').setValue('')
    await dialog.get('[data-test="schedule-quiet-to"]').setValue('')
    await dialog.get('[data-test="schedule-form"]').trigger('submit')
    await settle()

    // The PATCH carries the schedule only: on/off and the threshold keep their value.
    expect(bodies).toEqual([{ schedule: { digest: 'hourly', timezone: 'Europe/Istanbul', urgent: 'high' } }])
    expect(wrapper.find('[data-test="schedule-dialog"]').exists()).toBe(false)
    expect(rows(wrapper)[1]!.get('[data-test="channel-schedule"]').text()).toBe('Hourly digest, high and above at once')
  })

  it('keeps the dialog open with the server’s reason when a schedule is refused', async () => {
    const hook = channel(1)
    const { wrapper } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: {
        ...SETTINGS,
        [`PATCH /api/alerts/channels/${hook.id}`]: json(400, {
          error: 'timezone "Mars/Olympus" is not an IANA time zone (e.g. Europe/Istanbul, UTC)',
        }),
      },
    })
    await rows(wrapper)[0]!.get('[data-test="channel-edit-schedule"]').trigger('click')
    await settle()
    const dialog = wrapper.get('[data-test="schedule-dialog"]')
    await dialog.get('[data-test="schedule-timezone"]').setValue('Mars/Olympus')
    await dialog.get('[data-test="schedule-form"]').trigger('submit')
    await settle()
    expect(dialog.get('[data-test="schedule-error"]').text()).toBe(
      'timezone "Mars/Olympus" is not an IANA time zone (e.g. Europe/Istanbul, UTC)',
    )
    expect(value(dialog, 'schedule-timezone')).toBe('Mars/Olympus')
    expect(rows(wrapper)[0]!.get('[data-test="channel-schedule"]').text()).toBe('At once')
  })
})

describe('delivery log', () => {
  it('labels held and digested messages and digests, and says until when a message is held', async () => {
    const { wrapper } = await mountApp('/alerts/settings', {
      session: ADMIN,
      routes: {
        ...SETTINGS,
        'GET /api/alerts/deliveries': page([
          delivery(1, { status: 'held', sent_at: null, next_attempt_at: '2026-11-24T05:00:00Z' }),
          delivery(2, { status: 'digested', sent_at: null }),
          delivery(3, { event: 'digest', alert_id: null }),
        ]),
      },
    })
    const [held, digested, digest] = wrapper.findAll('[data-test="delivery-row"]')
    expect(held!.text()).toContain('held until')
    expect(held!.get('.badge').text()).toBe('held')
    expect(held!.get('.badge').classes()).toEqual(['badge'])
    expect(digested!.get('.badge').text()).toBe('in a digest')
    expect(digested!.get('.badge').classes()).toContain('ok')
    expect(digest!.attributes('data-event')).toBe('digest')
    expect(digest!.text()).toContain('digest')
  })
})
