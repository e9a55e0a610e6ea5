import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  // Relative asset URLs: the built app works from any directory (the emulator serves it at
  // /spa-example/dist/).
  base: './',
  plugins: [react()],
  // lpmon loads its .wasm with `new URL('lpmon_bg.wasm', import.meta.url)`; pre-bundling for the
  // dev server would move the module away from its .wasm.
  optimizeDeps: { exclude: ['lpmon'] },
});
