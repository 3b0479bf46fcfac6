// The end-customer pages in French ("vous"), with the non-breaking spaces French puts before a colon and
// inside guillemets.
import type { Catalogue } from './catalogue';

const NBSP = '\u00a0';

export const fr: Catalogue = {
  lang: 'fr',
  start: {
    heading: (ds, brand) =>
      `Connectez votre compte${ds ? ` ${ds}` : ''}${brand ? ` à ${brand}` : ''}`,
    next: (ds) =>
      `Sur la page suivante, vous vous connecterez${ds ? ` à ${ds}` : ''}. Cela prend environ une minute.`,
    continue: 'Continuer',
  },
  waiting: {
    heading: 'Veuillez patienter un instant',
    body: (ds) =>
      `De nombreuses personnes connectent leur compte en ce moment. Cette page réessaie d'elle-même à quelques secondes d'intervalle et vous mènera vers ${ds ?? 'la page de connexion'} dès que possible. Vous n'avez rien à faire.`,
    tryNow: 'Réessayer maintenant',
  },
  success: {
    title: 'Compte connecté',
    heading: (ds, brand) =>
      `Votre compte${ds ? ` ${ds}` : ''} est connecté${brand ? ` à ${brand}` : ''}`,
    body: (brand) =>
      `Tout est prêt. Vous pouvez fermer cette fenêtre et revenir ${brand ? `à ${brand}` : "à l'application"}.`,
  },
  processing: {
    title: 'Confirmation de votre connexion',
    heading: 'Nous confirmons votre connexion',
    body: (ds) =>
      `Votre identification${ds ? ` auprès de ${ds}` : ''} nous est bien parvenue, et nous la confirmons en arrière-plan. Cela peut prendre quelques minutes.`,
    close: (brand) =>
      `Vous pouvez fermer cette fenêtre${brand ? ` et revenir à ${brand}` : ''}${NBSP}: vous n'avez rien d'autre à faire.`,
  },
  failure: {
    title: 'Connexion non aboutie',
    heading: "Votre compte n'a pas été connecté",
    advice: {
      INVALID_REQUEST: "L'adresse de cette page est incomplète ou endommagée.",
      STATE_INVALID: 'Ce lien de connexion a expiré ou a déjà été utilisé.',
      LINK_MISMATCH: 'Cette identification appartient à une autre tentative de connexion.',
      VERIFIER_MISMATCH: "Nous n'avons pas pu vérifier cette identification.",
      LOGIN_INCOMPLETE: `Votre identification n'a pas été confirmée${NBSP}: elle n'est peut-être pas allée jusqu'au bout, ou un autre compte que celui demandé a été utilisé.`,
      LINK_NOT_FOUND: "Ce lien de connexion n'est plus valable.",
      UPSTREAM_UNAVAILABLE:
        'Le service de connexion ne répond pas pour le moment. Patientez une minute, puis rechargez cette page.',
      SERVICE_UNAVAILABLE:
        'Notre service est momentanément indisponible. Patientez une minute, puis rechargez cette page.',
      TOO_MANY_REQUESTS:
        'Il y a eu trop de tentatives depuis votre réseau. Patientez une minute, puis rechargez cette page.',
    },
    otherAdvice: 'Un problème est survenu de notre côté.',
    tryAgainHint: `Choisissez «${NBSP}Réessayer${NBSP}» pour recommencer.`,
    startOverHint: 'Revenez là où vous avez commencé à connecter votre compte, puis recommencez.',
    tryAgain: 'Réessayer',
    reference: `Si vous contactez l'assistance, indiquez ce code${NBSP}:`,
  },
  ended: {
    heading: "Cette invitation n'est plus valable",
    body: "Elle a expiré ou a été retirée. Demandez-en une nouvelle à la personne qui vous l'a envoyée.",
  },
  unknownLink: {
    heading: "Ce lien n'est pas valable",
    body: 'Il a peut-être été remplacé par un lien plus récent. Utilisez le dernier lien que vous avez reçu, ou demandez-en un nouveau.',
  },
  refused: {
    heading: 'Cette invitation ne peut pas être utilisée',
    body: "La connexion n'a pas pu être préparée pour cette invitation. Demandez à la personne qui vous l'a envoyée de la vérifier et de vous en envoyer une nouvelle.",
  },
};
