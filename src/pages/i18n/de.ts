// The end-customer pages in German (formal "Sie"). "Konto bei <Name>" keeps any data source name intact,
// where a compound such as "Google-Analytics-Konto" would need the name rewritten.
import type { Catalogue } from './catalogue';

const withBrand = (brand: string | null) => (brand ? `mit ${brand} ` : '');

export const de: Catalogue = {
  lang: 'de',
  start: {
    heading: (ds, brand) =>
      `Verbinden Sie Ihr Konto${ds ? ` bei ${ds}` : ''}${brand ? ` mit ${brand}` : ''}`,
    next: (ds) =>
      `Auf der nächsten Seite melden Sie sich${ds ? ` bei ${ds}` : ''} an. Das dauert etwa eine Minute.`,
    continue: 'Weiter',
  },
  waiting: {
    heading: 'Bitte warten Sie einen Moment',
    body: (ds) =>
      `Gerade verbinden viele Menschen ihre Konten. Diese Seite versucht es alle paar Sekunden von selbst erneut und bringt Sie ${ds ? `zu ${ds}` : 'zur Anmeldeseite'}, sobald es geht. Sie müssen nichts tun.`,
    tryNow: 'Jetzt versuchen',
  },
  success: {
    title: 'Konto verbunden',
    heading: (ds, brand) => `Ihr Konto${ds ? ` bei ${ds}` : ''} ist ${withBrand(brand)}verbunden`,
    body: (brand) =>
      `Alles ist eingerichtet. Sie können dieses Fenster schließen und ${brand ? `zu ${brand}` : 'zur Anwendung'} zurückkehren.`,
  },
  processing: {
    title: 'Ihre Verbindung wird bestätigt',
    heading: 'Wir bestätigen Ihre Verbindung',
    body: (ds) =>
      `Ihre Anmeldung${ds ? ` bei ${ds}` : ''} ist bei uns angekommen, und wir bestätigen sie im Hintergrund. Das kann einige Minuten dauern.`,
    close: (brand) =>
      `Sie können dieses Fenster schließen${brand ? ` und zu ${brand} zurückkehren` : ''}. Sie müssen nichts weiter tun.`,
  },
  failure: {
    title: 'Verbindung nicht hergestellt',
    heading: 'Ihr Konto wurde nicht verbunden',
    advice: {
      INVALID_REQUEST: 'Die Adresse dieser Seite ist unvollständig oder beschädigt.',
      STATE_INVALID: 'Dieser Anmeldelink ist abgelaufen oder wurde bereits verwendet.',
      LINK_MISMATCH: 'Diese Anmeldung gehört zu einem anderen Verbindungsversuch.',
      VERIFIER_MISMATCH: 'Wir konnten diese Anmeldung nicht überprüfen.',
      LOGIN_INCOMPLETE:
        'Ihre Anmeldung wurde nicht bestätigt: Vielleicht wurde sie nicht abgeschlossen, oder es wurde ein anderes Konto als das angefragte verwendet.',
      LINK_NOT_FOUND: 'Dieser Anmeldelink ist nicht mehr gültig.',
      UPSTREAM_UNAVAILABLE:
        'Der Anmeldedienst antwortet gerade nicht. Warten Sie eine Minute und laden Sie diese Seite dann neu.',
      SERVICE_UNAVAILABLE:
        'Unser Dienst ist kurz nicht erreichbar. Warten Sie eine Minute und laden Sie diese Seite dann neu.',
      TOO_MANY_REQUESTS:
        'Aus Ihrem Netzwerk kamen zu viele Versuche. Warten Sie eine Minute und laden Sie diese Seite dann neu.',
    },
    otherAdvice: 'Bei uns ist etwas schiefgelaufen.',
    tryAgainHint: 'Wählen Sie „Erneut versuchen“, um neu zu beginnen.',
    startOverHint:
      'Kehren Sie dorthin zurück, wo Sie mit dem Verbinden Ihres Kontos begonnen haben, und beginnen Sie neu.',
    tryAgain: 'Erneut versuchen',
    reference: 'Wenn Sie sich an den Support wenden, nennen Sie bitte diesen Code:',
  },
  ended: {
    heading: 'Diese Einladung ist nicht mehr gültig',
    body: 'Sie ist abgelaufen oder wurde zurückgezogen. Bitten Sie die Person, die sie Ihnen geschickt hat, um eine neue.',
  },
  unknownLink: {
    heading: 'Dieser Link ist ungültig',
    body: 'Vielleicht wurde er durch einen neueren ersetzt. Verwenden Sie den zuletzt erhaltenen Link oder bitten Sie um einen neuen.',
  },
  refused: {
    heading: 'Diese Einladung kann nicht verwendet werden',
    body: 'Für diese Einladung konnte die Anmeldung nicht vorbereitet werden. Bitten Sie die Person, die sie Ihnen geschickt hat, sie zu prüfen und Ihnen eine neue zu schicken.',
  },
};
