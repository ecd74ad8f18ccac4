// Vite's import of a module bundled as a worker, as a URL (vite.dev/guide/features#import-with-query-suffixes)
declare module '*?worker&url' {
  const url: string;
  export default url;
}
