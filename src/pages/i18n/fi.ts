// The end-customer pages in Finnish. Names are never inflected: "<name> -tilisi" (a compound with a
// multi-word name takes a spaced hyphen) and "palveluun <name>" keep any data source or brand name intact.
import type { Catalogue } from './catalogue';

const account = (ds: string | null) => (ds ? `${ds} -tilisi` : 'tilisi');
const toService = (name: string | null) => (name ? ` palveluun ${name}` : '');

export const fi: Catalogue = {
  lang: 'fi',
  start: {
    heading: (ds, brand) => `Yhdistä ${account(ds)}${toService(brand)}`,
    next: (ds) =>
      `Seuraavalla sivulla kirjaudut${ds ? ` palveluun ${ds}` : ' sisään'}. Se vie noin minuutin.`,
    continue: 'Jatka',
  },
  waiting: {
    heading: 'Odota hetki',
    body: (ds) =>
      `Juuri nyt moni on yhdistämässä tiliään. Tämä sivu yrittää itsestään uudelleen muutaman sekunnin välein ja vie sinut ${ds ? `palveluun ${ds}` : 'kirjautumissivulle'} heti kun mahdollista. Sinun ei tarvitse tehdä mitään.`,
    tryNow: 'Yritä nyt',
  },
  success: {
    title: 'Tili yhdistetty',
    heading: (ds, brand) => {
      const subject = account(ds);
      return `${subject[0]!.toUpperCase()}${subject.slice(1)} on yhdistetty${toService(brand)}`;
    },
    body: (brand) =>
      `Kaikki on valmista. Voit sulkea tämän ikkunan ja palata ${brand ? `palveluun ${brand}` : 'sovellukseen'}.`,
  },
  processing: {
    title: 'Tilin yhdistämistä viimeistellään',
    heading: 'Viimeistelemme tilisi yhdistämistä',
    body: (ds) =>
      `Kirjautumisesi${toService(ds)} on tullut perille, ja vahvistamme sen taustalla. Tämä voi kestää muutaman minuutin.`,
    close: (brand) =>
      `Voit sulkea tämän ikkunan${brand ? ` ja palata palveluun ${brand}` : ''}: sinun ei tarvitse tehdä muuta.`,
  },
  failure: {
    title: 'Yhdistäminen ei onnistunut',
    heading: 'Tiliäsi ei yhdistetty',
    advice: {
      INVALID_REQUEST: 'Tämän sivun osoite on puutteellinen tai vioittunut.',
      STATE_INVALID: 'Tämä kirjautumislinkki on vanhentunut, tai sitä on jo käytetty.',
      LINK_MISMATCH: 'Tämä kirjautuminen kuuluu toiseen yhdistämisyritykseen.',
      VERIFIER_MISMATCH: 'Emme pystyneet varmistamaan tätä kirjautumista.',
      LOGIN_INCOMPLETE:
        'Kirjautumistasi ei vahvistettu: se on ehkä jäänyt kesken, tai siinä käytettiin eri tiliä kuin pyydettiin.',
      LINK_NOT_FOUND: 'Tämä kirjautumislinkki ei ole enää voimassa.',
      UPSTREAM_UNAVAILABLE:
        'Kirjautumispalvelu ei vastaa juuri nyt. Odota minuutti ja lataa sitten tämä sivu uudelleen.',
      SERVICE_UNAVAILABLE:
        'Palvelumme on hetkellisesti poissa käytöstä. Odota minuutti ja lataa sitten tämä sivu uudelleen.',
      TOO_MANY_REQUESTS:
        'Verkostasi on tullut liian monta yritystä. Odota minuutti ja lataa sitten tämä sivu uudelleen.',
    },
    otherAdvice: 'Jokin meni vikaan meidän päässämme.',
    tryAgainHint: 'Aloita alusta valitsemalla Yritä uudelleen.',
    startOverHint: 'Palaa sinne, mistä aloitit tilisi yhdistämisen, ja aloita uudelleen.',
    tryAgain: 'Yritä uudelleen',
    reference: 'Jos otat yhteyttä tukeen, mainitse tämä koodi:',
  },
  ended: {
    heading: 'Tämä kutsu ei ole enää voimassa',
    body: 'Se on vanhentunut tai peruttu. Pyydä uusi kutsu henkilöltä, joka lähetti sen sinulle.',
  },
  unknownLink: {
    heading: 'Tämä linkki ei kelpaa',
    body: 'Se on ehkä korvattu uudemmalla linkillä. Käytä viimeisintä saamaasi linkkiä tai pyydä uusi.',
  },
  refused: {
    heading: 'Tätä kutsua ei voi käyttää',
    body: 'Kirjautumista ei voitu valmistella tälle kutsulle. Pyydä kutsun lähettäjää tarkistamaan se ja lähettämään sinulle uusi.',
  },
};
