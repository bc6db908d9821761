// The few icons the menu uses, by the key in route meta.icon.
import type { Component } from 'vue'
import { HomeFilled, OfficeBuilding, Setting, Document, House } from '@element-plus/icons-vue'

export const menuIcons: Record<string, Component> = {
  home: HomeFilled,
  org: OfficeBuilding,
  registry: House,
  system: Setting,
  audit: Document,
}
