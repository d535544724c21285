/** Vite's `?url` imports give the emitted asset's URL (the one piece of `vite/client` this app uses). */
declare module '*?url' {
  const url: string;
  export default url;
}
