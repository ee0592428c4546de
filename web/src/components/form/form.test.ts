import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { defineComponent, reactive } from 'vue'
import CheckGroup from './CheckGroup.vue'
import FormField from './FormField.vue'
import LinesField from './LinesField.vue'
import SiteField from './SiteField.vue'
import SubmitStatus from './SubmitStatus.vue'
import { fakeApi } from '../../test/fakeApi'
import { site } from '../../test/fixtures'
import { useSitesStore } from '../../stores/sites'

/** A FormField whose input uses every slot prop, as the forms do. */
const Field = defineComponent({
  components: { FormField },
  props: { hint: { type: String, default: undefined }, error: { type: String, default: undefined } },
  template: `
    <FormField v-slot="{ id, describedBy, invalid }" label="CIDR" :hint="hint" :error="error">
      <input :id="id" :aria-describedby="describedBy" :aria-invalid="invalid || undefined" />
    </FormField>`,
})

describe('FormField', () => {
  it('points the label at the input through one generated id, unique per field', () => {
    const form = mount({ components: { Field }, template: '<form><Field /><Field /></form>' })
    const labels = form.findAll('label')
    const inputs = form.findAll('input')
    expect(labels.map((l) => l.text())).toEqual(['CIDR', 'CIDR'])
    for (const [i, label] of labels.entries()) {
      expect(label.attributes('for')).toBeTruthy()
      expect(label.attributes('for')).toBe(inputs[i]!.attributes('id'))
    }
    expect(inputs[0]!.attributes('id')).not.toBe(inputs[1]!.attributes('id'))
  })

  it('describes the input by its hint and error, and by nothing without them', async () => {
    const field = mount(Field)
    const input = () => field.get('input')
    expect(input().attributes('aria-describedby')).toBeUndefined()
    expect(field.find('small').exists()).toBe(false)

    await field.setProps({ hint: 'e.g. 10.0.0.0/24' })
    const hint = field.get('small.muted')
    expect(hint.text()).toBe('e.g. 10.0.0.0/24')
    expect(input().attributes('aria-describedby')).toBe(hint.attributes('id'))
    expect(input().attributes('aria-invalid')).toBeUndefined()

    await field.setProps({ error: 'not a network' })
    const error = field.get('small.error')
    expect(error.text()).toBe('not a network')
    expect(input().attributes('aria-describedby')!.split(' ')).toEqual([hint.attributes('id'), error.attributes('id')])
    expect(input().attributes('aria-invalid')).toBe('true')
  })

  it('keeps classes such as narrow on the field', () => {
    const field = mount(FormField, { props: { label: 'VLAN' }, attrs: { class: 'narrow' } })
    expect(field.classes()).toEqual(['field', 'narrow'])
  })
})

describe('SiteField', () => {
  let pinia: Pinia
  beforeEach(async () => {
    pinia = createPinia()
    setActivePinia(pinia)
    fakeApi({ 'GET /api/sites': { sites: [site('hq'), site('branch')] } })
    await useSitesStore().refresh()
  })

  const mountSite = (props: Record<string, unknown> = {}, attrs: Record<string, string> = {}) =>
    mount(SiteField, { props: { modelValue: '', ...props }, attrs, global: { plugins: [pinia] } })

  it('labels the input "Site", suggests the known sites and shows the default as placeholder', () => {
    const field = mountSite({}, { 'data-test': 'the-site' })
    const input = field.get('input')
    expect(field.get('label').text()).toBe('Site')
    expect(field.get('label').attributes('for')).toBe(input.attributes('id'))
    expect(input.attributes('data-test')).toBe('the-site')
    expect(input.attributes('required')).toBeUndefined()
    expect(input.attributes('placeholder')).toBe('hq')
    const list = field.get(`datalist#${input.attributes('list')}`)
    expect(list.findAll('option').map((o) => o.attributes('value'))).toEqual(['hq', 'branch'])
  })

  it('follows the selected site for the placeholder', async () => {
    const field = mountSite()
    useSitesStore().select('branch')
    await field.vm.$nextTick()
    expect(field.get('input').attributes('placeholder')).toBe('branch')
  })

  it('binds the value both ways, and a required field has no placeholder', async () => {
    const field = mountSite({ modelValue: 'hq', required: true, label: 'Agent site', hint: 'Where it scans' })
    const input = field.get('input')
    expect((input.element as HTMLInputElement).value).toBe('hq')
    expect(input.attributes('required')).toBeDefined()
    expect(input.attributes('placeholder')).toBeUndefined()
    expect(field.get('label').text()).toBe('Agent site')
    expect(input.attributes('aria-describedby')).toBe(field.get('small').attributes('id'))
    await input.setValue('izmir')
    expect(field.emitted('update:modelValue')).toEqual([['izmir']])
  })
})

describe('SubmitStatus', () => {
  const state = (patch: Partial<{ busy: boolean; error: string; message: string }> = {}) =>
    reactive({ busy: false, error: '', message: '', ...patch })

  it('shows nothing before a submission', () => {
    expect(
      mount(SubmitStatus, { props: { state: state() } })
        .find('p')
        .exists(),
    ).toBe(false)
  })

  it('reports an error as an alert, with the given data-test', () => {
    const status = mount(SubmitStatus, {
      props: { state: state({ error: 'name taken', message: 'old' }), errorTestId: 'x-error' },
    })
    const line = status.get('p')
    expect(line.attributes('role')).toBe('alert')
    expect(line.classes()).toContain('error')
    expect(line.attributes('data-test')).toBe('x-error')
    expect(line.text()).toBe('name taken')
  })

  it('reports success as a polite status', () => {
    const line = mount(SubmitStatus, { props: { state: state({ message: 'Added' }) } }).get('p')
    expect(line.attributes('role')).toBe('status')
    expect(line.classes()).toContain('ok')
    expect(line.text()).toBe('Added')
  })

  it('says it is busy only when given a busy text', async () => {
    const status = mount(SubmitStatus, { props: { state: state({ busy: true }) } })
    expect(status.find('p').exists()).toBe(false)
    await status.setProps({ busyText: 'Saving…' })
    expect(status.get('p').attributes('role')).toBe('status')
    expect(status.get('p').text()).toBe('Saving…')
  })
})

describe('LinesField', () => {
  it('is a labelled textarea bound to the text, with its attributes and error', async () => {
    const field = mount(LinesField, {
      props: { modelValue: 'a\nb', label: 'Targets', error: 'bad entry' },
      attrs: { 'data-test': 'the-lines' },
    })
    const area = field.get('textarea')
    expect(area.attributes('data-test')).toBe('the-lines')
    expect(field.get('label').attributes('for')).toBe(area.attributes('id'))
    expect((area.element as HTMLTextAreaElement).value).toBe('a\nb')
    expect(area.attributes('aria-invalid')).toBe('true')
    expect(area.attributes('aria-describedby')).toBe(field.get('small.error').attributes('id'))
    await area.setValue('c')
    expect(field.emitted('update:modelValue')).toEqual([['c']])
  })
})

describe('CheckGroup', () => {
  const options = [
    { value: 'mon', label: 'Mon' },
    { value: 'tue', label: 'Tue' },
  ]

  it('names the group with a legend and ticks the chosen values', async () => {
    const group = mount(CheckGroup, { props: { modelValue: ['tue'], legend: 'Days', options, testId: 'day', hint: 'Any' } })
    expect(group.get('fieldset legend').text()).toBe('Days')
    expect(group.get('fieldset').attributes('aria-describedby')).toBe(group.get('small').attributes('id'))
    const boxes = group.findAll('input[type="checkbox"]')
    expect(boxes.map((b) => (b.element as HTMLInputElement).checked)).toEqual([false, true])
    expect(group.findAll('label').map((l) => l.text())).toEqual(['Mon', 'Tue'])
    await group.get('[data-test="day-mon"]').setValue(true)
    expect(group.emitted('update:modelValue')).toEqual([[['tue', 'mon']]])
  })
})
