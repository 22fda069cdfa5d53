export const classifyReply = (b: string) =>
  /^\s*(stop|cancel)\W*$/i.test(b) ? 'opt_out' : /help/i.test(b) ? 'help' : 'other';
