import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { api } from './api'
import { connectApi, createAppRouter } from './router'
import { usePreferencesStore } from './stores/preferences'
import './styles/index.css'

const app = createApp(App)
app.use(createPinia())
// Apply theme and language to <html> before the first paint of the app.
usePreferencesStore()
const router = createAppRouter()
connectApi(api, router)
app.use(router)
app.mount('#app')
