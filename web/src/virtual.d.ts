/** The light portal's string tables, one per language (vite.config.ts). */
declare module 'virtual:light-strings/*' {
  const strings: Record<string, string>;
  export default strings;
}
