import type { Catalog } from './catalog.ts';

/**
 * Spanish (US). The same messages as texts.en.ts, in the same order; a legal notice is served in
 * English with this translation after it (render.ts), so the English text stays the one the
 * statute and the court read. Internal records are English only.
 */
export const ES: Catalog = {
  phrases: {
    greeting: 'Estimado/a {name}:',
    closing: 'Atentamente,\n{org}',
    pay_online: 'Pague en línea: {link}',
    pay_lease: 'Pagar el contrato {lease}: {link}',
    pay_by_link: 'en el enlace que le enviamos',
    pay_usual_way: 'como de costumbre',
    lease_line: 'Contrato {lease}: saldo {balance}.',
    total_line: 'Total de sus {count} contratos: {total}.',
    email_opt_out: 'Para dejar de recibir correos sobre esta cuenta, responda STOP.',
    sms_opt_out: 'Responda STOP o BAJA para no recibir más mensajes.',
    translation: 'Traducción al español:',
    resident: 'Residente',
  },
  messages: {
    'rent-reminder': {
      subject: 'Su renta de {rent} vence el {due_date}',
      text: 'Le recordamos que su renta de {rent} por {property} vence el {due_date}. Si ya pagó, muchas gracias; puede ignorar este mensaje.',
    },
    'rent-reminder-short': {
      subject: 'Recordatorio de renta',
      text: '{org}: recordatorio, su renta de {rent} vence el {due_date}.',
    },
    'commercial-rent-reminder': {
      subject: 'Renta de {rent} con vencimiento el {due_date}, contrato {lease}',
      text: 'La renta de {rent} del contrato {lease} en {property} vence el {due_date}. Si el pago ya está en camino, gracias.',
    },
    'rent-late': {
      subject: 'Su renta está vencida: saldo {balance}',
      text: 'No hemos recibido su renta completa. Su saldo es de {balance}; el monto impago más antiguo venció el {oldest_due}, hace {days_late} días.\n\nPor favor pague lo antes posible. Si tiene dificultades, responda a este correo o llámenos: podemos hablar de un plan de pagos.',
    },
    'rent-late-short': {
      subject: 'Renta vencida',
      text: '{org}: su renta tiene {days_late} días de atraso, saldo {balance}. ¿Necesita ayuda? Responda AYUDA.',
    },
    'commercial-rent-late': {
      subject: 'Renta vencida del contrato {lease}: {balance}',
      text: 'La renta del contrato {lease} en {property} está vencida. Pendiente: {balance}; el monto más antiguo venció el {oldest_due} (hace {days_late} días). Por favor organice el pago o contáctenos.',
    },
    'collections-call': {
      subject: 'Llamada de cobranza',
      text: 'Hola, le llama {org} para {name} sobre su cuenta de {property}. Su saldo de {balance} tiene {days_late} días de atraso. Puede pagar {how_to_pay}, o díganos ahora si necesita ayuda o un plan de pagos.',
      voicemail:
        'Este es un mensaje para {name} de parte de {org}. Por favor devuélvanos la llamada cuando pueda. Gracias.',
    },
    'demand-letter': {
      subject: 'Requerimiento de pago, contrato {lease}',
      text: 'Nuestros registros muestran un saldo vencido de {balance} en su contrato de {property}. El monto impago más antiguo venció el {oldest_due}.\n\nPor favor pague el saldo completo, o contáctenos para acordar el pago, lo antes posible. Si el saldo sigue impago, podrán seguir otras medidas previstas en su contrato.',
    },
    'partial-payment-receipt': {
      subject: 'Recibo de su pago de {amount}',
      text: 'Recibimos su pago de {amount} por {property}. Su saldo restante es de {balance_after}.\n\nEste pago fue menor que el monto que exigía el aviso que se le entregó. Lo aceptamos, por lo que ese aviso ya no tiene efecto; se le podrá entregar un nuevo aviso por el saldo restante.',
    },
    'opt-out-confirmation': {
      subject: 'Mensajes de texto cancelados',
      text: '{org}: no recibirá más mensajes de texto sobre su cuenta. Podremos seguir escribiéndole por correo postal.',
    },

    'ca-pay-or-quit-2019': {
      subject: 'Aviso de pagar la renta o desalojar',
      text: 'A {names}, y a todos los demás ocupantes del inmueble en {property} (contrato {lease}):\n\nHay renta vencida por un monto de {amount_demanded}. Dentro de los tres días siguientes a la entrega de este aviso, sin contar sábados, domingos ni feriados judiciales, es decir, a más tardar el {expires_on}, usted debe pagar ese monto completo o entregar la posesión del inmueble. Si no hace ninguna de las dos cosas, se iniciarán acciones legales para recuperar la posesión del inmueble, declarar la terminación del contrato y cobrar la renta adeudada.\n\nEste aviso exige solo la renta. No incluye cargos por mora ni otros cargos.',
    },
    'fl-83-56-3-notice': {
      subject: 'Aviso de tres días para pagar la renta o entregar la posesión',
      text: 'A {names}:\n\nPor la presente se le notifica que nos adeuda la suma de {amount_demanded} por la renta y el uso del inmueble en {property} (contrato {lease}), que usted ocupa actualmente, y que exigimos el pago de la renta o la posesión del inmueble dentro de los tres días (sin contar sábados, domingos ni feriados legales) siguientes a la entrega de este aviso, es decir, a más tardar el {expires_on}.',
    },
    'ny-235-e-rent-not-received': {
      subject: 'Aviso de renta no recibida',
      text: 'A {names}:\n\nNo hemos recibido su renta del inmueble en {property} (contrato {lease}), que venció el {oldest_due}. Renta pendiente: {amount_demanded}.\n\nSi ya pagó, envíenos el comprobante de pago.',
    },
    'ny-711-14-day-demand': {
      subject: 'Requerimiento de renta de catorce días',
      text: 'A {names}, inquilinos del inmueble en {property} (contrato {lease}):\n\nUsted adeuda renta por un monto de {amount_demanded}. Debe pagar ese monto completo, o entregar la posesión del inmueble, a más tardar el {expires_on}. Si no hace ninguna de las dos cosas, el propietario podrá iniciar un procedimiento sumario para recuperar la posesión.',
    },
    'tx-24-005-notice-to-vacate': {
      subject: 'Aviso de desalojo',
      text: 'A {names}, ocupantes del inmueble en {property} (contrato {lease}):\n\nHay renta impaga por {amount_demanded}. Por la presente se le notifica que debe desalojar y entregar el inmueble a más tardar el {expires_on}. Si no lo hace, el propietario podrá presentar una demanda de desalojo.',
    },
    'tx-24-005-notice-to-vacate-sb38': {
      subject: 'Aviso de desalojo',
      text: 'A {names}, ocupantes del inmueble en {property} (contrato {lease}):\n\nHay renta impaga por {amount_demanded}. Por la presente se le notifica que debe desalojar y entregar el inmueble a más tardar el {expires_on}. Si no lo hace, el propietario podrá presentar una demanda de desalojo. Pagar el monto adeudado antes de esa fecha puede resolver este aviso; contáctenos.',
    },
    'reg-f-model-validation-notice': {
      subject: 'Aviso de validación',
      text: '{org} es un cobrador de deudas. Estamos tratando de cobrar una deuda que usted tiene por {property} (contrato {lease}). Usaremos cualquier información que nos dé para ayudar a cobrar la deuda.\n\nNuestra información indica que al {today} usted debe {amount_demanded}.\n\n¿Cómo puede disputar la deuda? Escríbanos o llámenos a más tardar el {expires_on} para disputar toda la deuda o parte de ella. Si no lo hace, supondremos que nuestra información es correcta. Si nos escribe a más tardar el {expires_on}, debemos suspender el cobro de cualquier monto que usted dispute hasta enviarle información que demuestre que usted debe la deuda. También puede pedirnos el nombre y la dirección del acreedor original.',
    },
    'commercial-notice-of-default': {
      subject: 'Aviso de incumplimiento',
      text: 'A {names}, arrendatario del contrato {lease} en {property}:\n\nEl arrendatario ha incumplido el contrato por falta de pago de {amount_demanded}. Debe subsanar el incumplimiento pagando ese monto completo a más tardar el {expires_on}. Si no lo subsana para esa fecha, el arrendador podrá ejercer cualquiera de sus derechos según el contrato y la ley, sin otro aviso salvo el que exija el contrato.',
    },
    '@notice:pay_or_quit': {
      subject: 'Aviso de pagar la renta o desalojar',
      text: 'A {names}, y a todos los demás ocupantes del inmueble en {property} (contrato {lease}):\n\nHay renta vencida por un monto de {amount_demanded}. Debe pagar ese monto completo, o entregar la posesión del inmueble, a más tardar el {expires_on}. Si no hace ninguna de las dos cosas, podrán iniciarse acciones legales para recuperar la posesión.',
    },
    '@notice:rent_demand_14_day': {
      subject: 'Requerimiento de renta',
      text: 'A {names}, inquilinos del inmueble en {property} (contrato {lease}):\n\nUsted adeuda renta por un monto de {amount_demanded}. Págela completa, o entregue la posesión del inmueble, a más tardar el {expires_on}.',
    },
    '@notice:rent_not_received': {
      subject: 'Aviso de renta no recibida',
      text: 'A {names}:\n\nNo hemos recibido su renta del inmueble en {property} (contrato {lease}). Renta pendiente: {amount_demanded}.',
    },
    '@notice:notice_to_vacate': {
      subject: 'Aviso de desalojo',
      text: 'A {names}, ocupantes del inmueble en {property} (contrato {lease}):\n\nPor la presente se le notifica que debe desalojar y entregar el inmueble a más tardar el {expires_on}. Renta impaga: {amount_demanded}.',
    },
    '@notice:validation': {
      subject: 'Aviso de validación',
      text: '{org} es un cobrador de deudas que trata de cobrar una deuda que usted tiene por {property} (contrato {lease}): {amount_demanded} al {today}. Puede disputarla total o parcialmente escribiéndonos o llamándonos a más tardar el {expires_on}.',
    },
    '@notice:notice_of_default': {
      subject: 'Aviso de incumplimiento',
      text: 'A {names}, arrendatario del contrato {lease} en {property}:\n\nEl arrendatario ha incumplido por falta de pago de {amount_demanded} y debe subsanarlo a más tardar el {expires_on}.',
    },

    '@email': {
      subject: 'Sobre su cuenta de {property}',
      text: 'Su saldo por {property} (contrato {lease}) es de {balance}. Por favor pague, o contáctenos si tiene preguntas o necesita ayuda.',
    },
    '@sms': {
      subject: 'Sobre su cuenta',
      text: '{org}: su saldo del contrato {lease} es de {balance}.',
    },
    '@call': {
      subject: 'Llamada',
      text: 'Hola, le llama {org} para {name} sobre su cuenta de {property}. Su saldo es de {balance}.',
      voicemail:
        'Este es un mensaje para {name} de parte de {org}. Por favor devuélvanos la llamada cuando pueda. Gracias.',
    },
    '@letter': {
      subject: 'Su cuenta, contrato {lease}',
      text: 'Su saldo por {property} (contrato {lease}) es de {balance}. Por favor pague, o contáctenos para acordar el pago.',
    },
    '@receipt': {
      subject: 'Recibo de su pago de {amount}',
      text: 'Recibimos su pago de {amount} por {property}. Su saldo restante es de {balance_after}.',
    },
    '@notice': {
      subject: 'Aviso',
      text: 'A {names}, sobre el inmueble en {property} (contrato {lease}):\n\nMonto adeudado: {amount_demanded}. Fecha límite: {expires_on}.',
    },
  },
};
