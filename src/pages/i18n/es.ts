// The end-customer pages in Spanish, addressing the customer as "tú", as most sign-in pages do.
import type { Catalogue } from './catalogue';

export const es: Catalogue = {
  lang: 'es',
  start: {
    heading: (ds, brand) =>
      `Conecta tu cuenta${ds ? ` de ${ds}` : ''}${brand ? ` con ${brand}` : ''}`,
    next: (ds) =>
      `En la página siguiente iniciarás sesión${ds ? ` en ${ds}` : ''}. Tarda alrededor de un minuto.`,
    continue: 'Continuar',
  },
  waiting: {
    heading: 'Espera un momento, por favor',
    body: (ds) =>
      `Muchas personas están conectando sus cuentas en este momento. Esta página vuelve a intentarlo sola cada pocos segundos y te llevará a ${ds ?? 'la página de inicio de sesión'} en cuanto pueda. No tienes que hacer nada.`,
    tryNow: 'Intentar ahora',
  },
  success: {
    title: 'Cuenta conectada',
    heading: (ds, brand) =>
      `Tu cuenta${ds ? ` de ${ds}` : ''} está conectada${brand ? ` con ${brand}` : ''}`,
    body: (brand) =>
      `Todo está listo. Puedes cerrar esta ventana y volver a ${brand ?? 'la aplicación'}.`,
  },
  processing: {
    title: 'Confirmando tu conexión',
    heading: 'Estamos confirmando tu conexión',
    body: (ds) =>
      `Hemos recibido tu inicio de sesión${ds ? ` en ${ds}` : ''} y lo estamos confirmando en segundo plano. Puede tardar unos minutos.`,
    close: (brand) =>
      `Puedes cerrar esta ventana${brand ? ` y volver a ${brand}` : ''}: no tienes que hacer nada más.`,
  },
  failure: {
    title: 'Conexión no completada',
    heading: 'Tu cuenta no se ha conectado',
    advice: {
      INVALID_REQUEST: 'La dirección de esta página está incompleta o dañada.',
      STATE_INVALID: 'Este enlace de inicio de sesión ha caducado o ya se ha usado.',
      LINK_MISMATCH: 'Este inicio de sesión pertenece a otro intento de conexión.',
      VERIFIER_MISMATCH: 'No hemos podido verificar este inicio de sesión.',
      LOGIN_INCOMPLETE:
        'Tu inicio de sesión no se ha confirmado: puede que no llegara a terminar o que se usara una cuenta distinta de la solicitada.',
      LINK_NOT_FOUND: 'Este enlace de inicio de sesión ya no es válido.',
      UPSTREAM_UNAVAILABLE:
        'El servicio de inicio de sesión no responde en este momento. Espera un minuto y vuelve a cargar esta página.',
      SERVICE_UNAVAILABLE:
        'Nuestro servicio no está disponible por unos instantes. Espera un minuto y vuelve a cargar esta página.',
      TOO_MANY_REQUESTS:
        'Ha habido demasiados intentos desde tu red. Espera un minuto y vuelve a cargar esta página.',
    },
    otherAdvice: 'Algo ha fallado por nuestra parte.',
    tryAgainHint: 'Selecciona «Intentar de nuevo» para volver a empezar.',
    startOverHint: 'Vuelve al lugar donde empezaste a conectar tu cuenta y empieza de nuevo.',
    tryAgain: 'Intentar de nuevo',
    reference: 'Si contactas con el servicio de asistencia, indica este código:',
  },
  ended: {
    heading: 'Esta invitación ya no es válida',
    body: 'Ha caducado o se ha retirado. Pide una nueva a la persona que te la envió.',
  },
  unknownLink: {
    heading: 'Este enlace no es válido',
    body: 'Puede que se haya sustituido por uno más reciente. Usa el último enlace que recibiste o pide uno nuevo.',
  },
  refused: {
    heading: 'Esta invitación no se puede usar',
    body: 'No se ha podido preparar el inicio de sesión para esta invitación. Pide a la persona que te la envió que la revise y te envíe una nueva.',
  },
};
