// Entry: Vue app with pinia, router, i18n, the v-perms directive and the HTTP client's hooks.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import App from './App.vue'
import { router } from './router'
import { i18n, currentLocale } from './locales'
import { vPerms } from './directives/perms'
import { setupHttp } from './api/setup'
import { isApiError } from './api/client'
import './styles/index.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(router)
app.directive('perms', vPerms)
setupHttp(router)
document.documentElement.lang = currentLocale()

// An ApiError has already been shown to the user by the client; only log the rest.
app.config.errorHandler = (err) => {
  if (!isApiError(err)) console.error(err)
}
window.addEventListener('unhandledrejection', (event) => {
  if (isApiError(event.reason)) event.preventDefault()
})

app.mount('#app')
