import { OPT_OUT_KEYWORDS, classifyInbound } from './inbound-keywords.ts';

test('the FCC keyword list, exported as is', () => {
  expect(OPT_OUT_KEYWORDS).toEqual(['stop', 'quit', 'end', 'revoke', 'opt out', 'cancel', 'unsubscribe']);
});

test.each([
  'Cancel',
  'STOP',
  'STOP!',
  '  stop.  ',
  'Quit',
  'end',
  'Revoke',
  'opt out',
  'Opt-out',
  'OPTOUT',
  'STOPALL',
  'unsubscribe please',
  'Please stop',
  'stop please!!',
  'Stop texting me',
  'STOP. Unsubscribe.',
  'cancel text messages',
  'stop 🛑',
  'ALTO',
  'No más',
  'no mas mensajes',
  'Cancelar por favor',
  'Por favor, pare',
  'BAJA',
  'basta ya',
])('%j is an opt-out', (body) => {
  expect(classifyInbound(body)).toBe('opt_out');
});

test.each([
  'help',
  'HELP',
  'I need help',
  'HELP me',
  'Can you help?',
  'info',
  'stop? I need help',
  'Necesito ayuda',
  'AYÚDENME por favor',
])('%j asks for help', (body) => {
  expect(classifyInbound(body)).toBe('help');
});

test.each([
  'can someone call me',
  'End of month I will pay',
  'cancel my lease',
  "don't stop",
  'I paid, please stop the late fee',
  'ok',
  '',
  '   ',
  'stopping by the office tomorrow',
  'helpful, thanks',
  'para el lunes pago',
  'no puedo pagar hasta el viernes',
  'cancelar mi contrato',
])('%j is for a person to read', (body) => {
  expect(classifyInbound(body)).toBe('other');
});
