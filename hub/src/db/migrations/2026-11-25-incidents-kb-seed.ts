// Frozen seed of the N0 self-help articles, one per check kind known on 2026-11-25. Kept beside
// the migration that inserts it and never edited afterwards: later wording changes are new rows
// or updates made by a later migration or by admins.

interface SeedArticle {
  id: string;
  check: string;
  audience: 'user';
  title_en: string;
  body_en: string;
  title_fr: string;
  body_fr: string;
}

const article = (check: string, en: [string, string], fr: [string, string]): SeedArticle => ({
  id: `kb.${check}`,
  check,
  audience: 'user',
  title_en: en[0],
  body_en: en[1],
  title_fr: fr[0],
  body_fr: fr[1],
});

export const KB_SEED: readonly SeedArticle[] = [
  article(
    'cpu.busy',
    [
      'The computer is slow because the processor is busy',
      'Save your work. Open the Task Manager (Ctrl+Shift+Esc on Windows, Activity Monitor on macOS, `top` on Linux), sort by CPU and close the program using the most if you know it. A browser with many tabs or a video call is a common cause. If an unknown program or an antivirus scan is at the top, leave it and tell the helpdesk. Restarting the computer helps if it stays slow for more than 15 minutes.',
    ],
    [
      "L'ordinateur est lent car le processeur est saturé",
      "Enregistrez votre travail. Ouvrez le Gestionnaire des tâches (Ctrl+Maj+Échap sous Windows, Moniteur d'activité sous macOS, `top` sous Linux), triez par processeur et fermez le programme qui en consomme le plus si vous le connaissez. Un navigateur avec beaucoup d'onglets ou une visioconférence en sont souvent la cause. Si un programme inconnu ou une analyse antivirus est en tête, laissez-le et prévenez le support. Redémarrez si la lenteur dure plus de 15 minutes.",
    ],
  ),
  article(
    'memory.pressure',
    [
      'The computer is running out of memory',
      'Close the programs and browser tabs you do not need, starting with the largest in the Task Manager (Memory column). Save your documents first: a computer short of memory can close programs by itself. If it happens every day with your usual programs, tell the helpdesk: the computer may need more memory.',
    ],
    [
      "L'ordinateur manque de mémoire",
      "Fermez les programmes et onglets inutiles, en commençant par les plus gros dans le Gestionnaire des tâches (colonne Mémoire). Enregistrez d'abord vos documents : un ordinateur à court de mémoire peut fermer des programmes de lui-même. Si cela arrive chaque jour avec vos programmes habituels, prévenez le support : il faut peut-être ajouter de la mémoire.",
    ],
  ),
  article(
    'swap.pressure',
    [
      'The computer is swapping to disk and feels slow',
      'The computer is using its disk as extra memory, which makes everything slow. Close unused programs and tabs, then restart the computer at the next break. If it comes back quickly, tell the helpdesk which programs you use: more memory or a fix for a program leaking memory may be needed.',
    ],
    [
      "L'ordinateur utilise le disque comme mémoire et ralentit",
      "L'ordinateur se sert de son disque comme mémoire d'appoint, ce qui ralentit tout. Fermez les programmes et onglets inutiles puis redémarrez à la prochaine pause. Si le problème revient vite, indiquez au support les programmes que vous utilisez : il faut peut-être plus de mémoire ou corriger un programme qui en consomme de plus en plus.",
    ],
  ),
  article(
    'fs.usage',
    [
      'Disk almost full: how to free space',
      'Empty the Recycle Bin / Trash. Move large files from Downloads and Desktop to your network or cloud folder, or delete what you no longer need (sort the folder by size). On Windows, run "Disk Cleanup" (or Settings > System > Storage > Temporary files). Do not delete program or system folders. If the disk is a shared server volume, do not delete anything: the helpdesk has been told.',
    ],
    [
      "Disque presque plein : comment libérer de l'espace",
      "Videz la Corbeille. Déplacez les gros fichiers de Téléchargements et du Bureau vers votre dossier réseau ou cloud, ou supprimez ce dont vous n'avez plus besoin (triez le dossier par taille). Sous Windows, lancez « Nettoyage de disque » (ou Paramètres > Système > Stockage > Fichiers temporaires). Ne supprimez aucun dossier de programme ou du système. S'il s'agit d'un volume partagé sur un serveur, ne supprimez rien : le support est prévenu.",
    ],
  ),
  article(
    'fs.inodes',
    [
      'Disk out of file entries (too many small files)',
      'The disk can hold no more files even if it shows free space, usually because a program created millions of small files (caches, logs, mail queues). Users cannot fix this safely: do not delete folders by hand. The helpdesk has been told and will clean the responsible folder.',
    ],
    [
      "Disque à court d'entrées de fichiers (trop de petits fichiers)",
      "Le disque ne peut plus créer de fichiers même s'il reste de l'espace, en général parce qu'un programme a créé des millions de petits fichiers (caches, journaux, files de courrier). Ce n'est pas réparable sans risque par l'utilisateur : ne supprimez pas de dossiers à la main. Le support est prévenu et nettoiera le dossier en cause.",
    ],
  ),
  article(
    'fs.forecast',
    [
      'Disk will be full soon',
      'At the current pace this disk will be full within hours. Free space now as for a full disk (Recycle Bin, Downloads, large videos) and stop any large copy or download you started. If you did not start anything big, tell the helpdesk: a program may be writing too much.',
    ],
    [
      'Le disque sera bientôt plein',
      "Au rythme actuel ce disque sera plein d'ici quelques heures. Libérez de l'espace comme pour un disque plein (Corbeille, Téléchargements, grosses vidéos) et arrêtez toute copie ou téléchargement volumineux en cours. Si vous n'avez rien lancé de gros, prévenez le support : un programme écrit peut-être trop.",
    ],
  ),
  article(
    'service.down',
    [
      'A service this machine runs has stopped',
      'An application or background service watched on this machine is not running, so something you use (shared files, printing, an application) may not work. Restarting the computer often brings it back; on a server, do not restart it yourself: the helpdesk has been told and will restart the service.',
    ],
    [
      'Un service de cette machine est arrêté',
      "Une application ou un service surveillé sur cette machine ne fonctionne plus, donc un usage (fichiers partagés, impression, une application) peut être indisponible. Redémarrer l'ordinateur suffit souvent ; sur un serveur, ne le redémarrez pas vous-même : le support est prévenu et relancera le service.",
    ],
  ),
  article(
    'disk.smart',
    [
      'The disk reports it is failing: back up now',
      'The disk itself reports errors that usually come before a failure. Copy your important files to your network or cloud folder now, and avoid large copies or disk clean-up tools that stress the disk. Do not switch the computer off and on repeatedly. The support team has been told and will replace the disk.',
    ],
    [
      'Le disque signale une panne prochaine : sauvegardez maintenant',
      "Le disque lui-même signale des erreurs qui précèdent en général une panne. Copiez dès maintenant vos fichiers importants vers votre dossier réseau ou cloud, et évitez les grosses copies ou les outils de nettoyage qui sollicitent le disque. N'éteignez et ne rallumez pas l'ordinateur à répétition. Le support est prévenu et remplacera le disque.",
    ],
  ),
  article(
    'temperature.high',
    [
      'The computer is too hot',
      'Make sure the air vents are not blocked: do not use a laptop on a bed or sofa, keep a desktop a hand-width from the wall, and remove dust you can reach from the vents. Close heavy programs. If the fan is very loud or the computer switches itself off, stop using it and tell the helpdesk.',
    ],
    [
      "L'ordinateur chauffe trop",
      "Vérifiez que les aérations ne sont pas obstruées : n'utilisez pas un portable sur un lit ou un canapé, laissez une main d'espace entre une tour et le mur, retirez la poussière accessible des grilles. Fermez les programmes lourds. Si le ventilateur est très bruyant ou si l'ordinateur s'éteint seul, arrêtez de l'utiliser et prévenez le support.",
    ],
  ),
  article(
    'battery.wear',
    [
      'The laptop battery is worn',
      'The battery now holds much less charge than when new, so the laptop lasts less time unplugged. Keep it plugged in when you can and bring the charger to meetings. A battery that swells (case bulging, touchpad raised) is dangerous: stop using the laptop and tell the helpdesk at once. Otherwise the support team will plan a replacement.',
    ],
    [
      'La batterie du portable est usée',
      "La batterie tient beaucoup moins la charge qu'à l'origine, le portable dure donc moins longtemps débranché. Laissez-le branché quand c'est possible et emportez le chargeur en réunion. Une batterie qui gonfle (coque déformée, pavé tactile soulevé) est dangereuse : arrêtez d'utiliser le portable et prévenez immédiatement le support. Sinon, le support planifiera un remplacement.",
    ],
  ),
  article(
    'host.reboot',
    [
      'The computer restarted unexpectedly',
      'The computer restarted without being asked to (power cut, crash or forced update). Check that your documents were saved; most programs offer to recover unsaved work when reopened. If it happens again, note the time and what you were doing and tell the helpdesk.',
    ],
    [
      "L'ordinateur a redémarré de façon inattendue",
      "L'ordinateur a redémarré sans qu'on le lui demande (coupure de courant, plantage ou mise à jour forcée). Vérifiez que vos documents ont été enregistrés ; la plupart des programmes proposent de récupérer le travail non enregistré à la réouverture. Si cela se reproduit, notez l'heure et ce que vous faisiez et prévenez le support.",
    ],
  ),
  article(
    'clock.drift',
    [
      "The computer's clock is wrong",
      'A wrong clock breaks sign-ins, secure websites and shared calendars. On Windows open Settings > Time & language > Date & time and click "Sync now"; on macOS enable "Set time and date automatically". Check the time zone too. If the clock drifts again after a sync, tell the helpdesk.',
    ],
    [
      "L'horloge de l'ordinateur est fausse",
      "Une horloge fausse empêche les connexions, les sites sécurisés et les agendas partagés de fonctionner. Sous Windows, ouvrez Paramètres > Heure et langue > Date et heure et cliquez sur « Synchroniser maintenant » ; sous macOS, activez « Régler la date et l'heure automatiquement ». Vérifiez aussi le fuseau horaire. Si l'heure dérive à nouveau, prévenez le support.",
    ],
  ),
  article(
    'host.silent',
    [
      'A computer stopped reporting',
      'The monitoring no longer hears from this machine. If it is yours: check that it is switched on, plugged in and connected to the network (cable or Wi-Fi), and restart it if it is frozen. If it is a server, do not touch it: the support team has been told.',
    ],
    [
      'Un ordinateur ne donne plus de nouvelles',
      "La supervision ne reçoit plus rien de cette machine. Si c'est la vôtre : vérifiez qu'elle est allumée, branchée et connectée au réseau (câble ou Wi-Fi), et redémarrez-la si elle est figée. S'il s'agit d'un serveur, n'y touchez pas : le support est prévenu.",
    ],
  ),
  article(
    'site.silent',
    [
      'Many computers of a site stopped reporting',
      'Several machines of the same site went silent together, which usually means a power, internet or network outage at the site. Check whether the internet works, whether the network cabinet or router has power, and tell the helpdesk what you see (lights off, no internet). Do not restart equipment in the network cabinet unless asked.',
    ],
    [
      "Plusieurs ordinateurs d'un site ne donnent plus de nouvelles",
      "Plusieurs machines du même site sont devenues silencieuses en même temps, ce qui signale en général une coupure de courant, d'internet ou du réseau sur le site. Vérifiez si internet fonctionne, si la baie réseau ou la box est alimentée, et décrivez au support ce que vous constatez (voyants éteints, pas d'internet). Ne redémarrez pas les équipements de la baie réseau sans qu'on vous le demande.",
    ],
  ),
];
