// 文书管理: the paged list of notices in scope, the templates (titles, placeholders) and the
// download, which every notice list shares.
import { shallowRef } from 'vue'
import { noticesApi, noticeQuery, type NoticeFilters } from '@/api/notices'
import type { Notice, NoticeTemplate, PageQuery } from '@/api/types'
import { paging, usePagedList } from '@/composables/usePagedList'
import { saveBlob } from '@/utils/download'

export const emptyNoticeFilters = (): NoticeFilters => ({ org_unit_id: null, kind: '', year: null })

export function useNotices() {
  return usePagedList((f: NoticeFilters & PageQuery) => noticesApi.list({ ...noticeQuery(f), ...paging(f) }), emptyNoticeFilters)
}

/** Saves the notice's document as issued; false when the server refused (the client said why). */
export async function downloadNotice(n: Pick<Notice, 'id' | 'title' | 'serial'>): Promise<boolean> {
  try {
    const file = await noticesApi.document(n.id)
    saveBlob(file.blob, file.fileName ?? `${n.title}${n.serial}.docx`)
    return true
  } catch {
    return false
  }
}

/** The templates, read once per page: the issue form's fields and the kinds' titles. */
export function useNoticeTemplates() {
  const templates = shallowRef<NoticeTemplate[]>([])
  async function loadTemplates() {
    try {
      templates.value = await noticesApi.templates()
    } catch {
      // shown by the client
    }
  }
  const templateOf = (kind: string) => templates.value.find((t) => t.kind === kind)
  return { templates, loadTemplates, templateOf }
}
