// 事件详情: the case with its timeline and photos, and the actions the caller may take. An action
// sends the version the user saw; a 409 says the case changed meanwhile, and the case is reloaded.
import { computed, ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { caseApi } from '@/api/cases'
import { isApiError } from '@/api/client'
import { errorText } from '@/api/setup'
import { i18n } from '@/locales'
import type { CaseAction, CaseDetail, CasePhoto } from '@/api/types'
import { actionBody, orderedActions, type ActionForm } from '../caseFlow'

/** Photos split by stage: before (reported) and after (the department's feedback). */
export function photosByStage(photos: readonly CasePhoto[]): { report: CasePhoto[]; feedback: CasePhoto[] } {
  return {
    report: photos.filter((p) => p.stage !== 'feedback'),
    feedback: photos.filter((p) => p.stage === 'feedback'),
  }
}

export type ActOutcome = 'done' | 'stale' | 'failed'

export function useCaseDetail(caseId: () => number) {
  const { t } = i18n.global
  const detail = shallowRef<CaseDetail | null>(null)
  const loading = ref(false)
  const acting = ref(false)
  let seq = 0

  const actions = computed(() => orderedActions(detail.value?.allowed_actions ?? []))
  const photos = computed(() => photosByStage(detail.value?.photos ?? []))

  /** The reporter's contact in full: a separate, audited read. */
  async function showFullContact() {
    const d = detail.value
    if (!d) return
    try {
      const full = await caseApi.get(d.id, true)
      if (detail.value?.id === d.id) detail.value = { ...detail.value, reporter_contact: full.reporter_contact }
    } catch {
      // shown by the client
    }
  }

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const d = await caseApi.get(caseId())
      if (mine === seq) detail.value = d
    } catch {
      // shown by the client
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  /**
   * Uploads the after-photos (feedback), then takes the action. A stale version (409) is told
   * and the case reloaded, so the user sees what changed and decides again.
   */
  async function act(action: CaseAction, form: ActionForm, files: readonly File[] = []): Promise<ActOutcome> {
    const d = detail.value
    if (!d) return 'failed'
    acting.value = true
    try {
      try {
        for (const f of files) await caseApi.uploadPhoto(d.id, 'feedback', f, f.name)
      } catch {
        return 'failed' // the client has shown why
      }
      const next =
        action === 'merge'
          ? await caseApi.merge(d.id, { into: form.into ?? 0, note: form.note.trim() || null, version: d.version })
          : await caseApi.act(d.id, actionBody(action, d.version, form))
      detail.value = next
      ElMessage({ type: 'success', message: t('case.actionDone', { action: t(`caseAction.${action}`) }) })
      return 'done'
    } catch (e) {
      if (isApiError(e) && e.status === 409) {
        ElMessage({ type: 'warning', message: t('case.staleVersion'), grouping: true })
        await load()
        return 'stale'
      }
      if (isApiError(e) && e.status !== 401) ElMessage({ type: 'error', message: errorText(e), grouping: true })
      return 'failed'
    } finally {
      acting.value = false
    }
  }

  return { detail, loading, acting, actions, photos, load, act, showFullContact }
}
