// The few icons the menu uses, by the key in route meta.icon.
import type { Component } from 'vue'
import { HomeFilled, OfficeBuilding, Setting, Document } from '@element-plus/icons-vue'

export const menuIcons: Record<string, Component> = {
  home: HomeFilled,
  org: OfficeBuilding,
  system: Setting,
  audit: Document,
}
