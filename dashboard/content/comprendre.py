"""« Comprendre les résidences sociales » and « Monter un projet »: the text, with its sources.

Everything is written from the source texts the project was conceived from (shared seeds 000–004).
What those texts do not say is marked GENERAL: general knowledge, phrased as such, without figures.
Figures are never written here: they come from the store (catalogue, residences).
"""

from __future__ import annotations

from dashboard.content import GENERAL, Fact

SEED_MINISTERE = "Ministère chargé du logement, groupes de travail sur les résidences sociales"
SEED_FEUILLE_DE_ROUTE = "Feuille de route des partenaires régionaux, mars 2024"
SEED_PLATEFORME = "Charte d'ambitions pour les résidences sociales en Hauts-de-France, signée le 5 décembre aux rencontres nationales de l'Unafo"
SEED_PREFET = "Préfet de région, séminaire Logement d'abord, 27/09/2019"
SEED_DIHAL = "Dihal, 72e atelier, 24/01/2020"

FICHE_PRATIQUE_URL = (
    "https://www.financement-logement-social.logement.gouv.fr/IMG/pdf/"
    "16_fiche_pratique-les_residences_sociales__rs_-mai_2021_cle246381-1.pdf"
)
FICHE_PRATIQUE_LABEL = "Fiche pratique « Les résidences sociales » du ministère chargé du logement (mai 2021)"

# --- /comprendre ------------------------------------------------------------------------------

LEAD = "Ce qu'est une résidence sociale, ce qu'elle apporte à un territoire et comment un projet se monte."

DEFINITION = (
    Fact(
        "Une résidence sociale est une forme d'habitat qui propose à la fois un logement privatif meublé et des "
        "espaces collectifs partagés entre ses habitants. Elle accueille différents types de ménages (personnes "
        "isolées, familles…) qui ont du mal à accéder à un logement ordinaire, par exemple parce que leurs "
        "ressources sont inadaptées ou à cause de leur statut administratif.",
        SEED_FEUILLE_DE_ROUTE,
    ),
    Fact(
        "Les habitants y trouvent un lieu de sociabilité et des professionnels capables de les orienter dans leurs "
        "démarches : au logement meublé s'ajoute un accompagnement adapté.",
        SEED_FEUILLE_DE_ROUTE,
    ),
    Fact(
        "Les publics sont très variés : travailleurs précaires, jeunes, saisonniers, familles monoparentales, "
        "bénéficiaires de minima sociaux… La résidence joue un rôle fondamental dans l'amélioration de leur "
        "situation économique et de leur logement.",
        SEED_PLATEFORME,
    ),
    Fact(
        "C'est un produit souple, qui s'adapte aux besoins locaux : plusieurs catégories de résidences répondent à "
        "des publics aux profils divers, qui cumulent souvent des difficultés économiques et sociales.",
        SEED_MINISTERE,
    ),
)

PILLARS = (
    ("Un logement privatif meublé", "Chaque ménage dispose de son propre logement, meublé."),
    ("Des espaces partagés", "Des espaces collectifs, communs aux habitants, favorisent la vie sociale."),
    ("Un accompagnement", "Des professionnels orientent les habitants dans leurs démarches."),
)
PILLARS_SOURCE = SEED_FEUILLE_DE_ROUTE

TYPES_INTRO = Fact(
    "Les résidences sociales regroupent cinq catégories de logement accompagné : les résidences généralistes, les "
    "pensions de famille, les résidences accueil, les foyers de jeunes travailleurs et les résidences issues des "
    "foyers de travailleurs migrants.",
    SEED_MINISTERE,
)

#: Per residence type (keys of catalogue residence_types): who it is for and what differs.
#: None of the seeds describe the categories one by one: this is general knowledge, marked as such.
TYPE_DESCRIPTIONS = {
    "generaliste": (
        "Ménages aux ressources modestes qui ont du mal à accéder à un logement ordinaire : personnes seules, "
        "couples, familles, travailleurs précaires.",
        "Logement temporaire, en attendant un logement ordinaire ; le gestionnaire assure une gestion locative "
        "attentive et oriente les habitants.",
    ),
    "pension_de_famille": (
        "Personnes isolées, souvent après un long parcours de rue ou d'hébergement, pour qui un logement "
        "ordinaire n'est pas adapté à court terme.",
        "Habitat durable, sans durée de séjour limitée ; petite structure où des hôtes animent la vie collective.",
    ),
    "residence_accueil": (
        "Personnes en situation de handicap psychique, dont l'état est stabilisé.",
        "Pension de famille qui leur est dédiée, appuyée sur un partenariat avec les soins psychiatriques et "
        "l'accompagnement médico-social.",
    ),
    "fjt": (
        "Jeunes en formation ou en début de parcours professionnel : apprentis, salariés, stagiaires, jeunes "
        "en insertion.",
        "Logement associé à un accompagnement vers l'autonomie (emploi, budget, santé, mobilité) et à une vie "
        "collective.",
    ),
    "ftm": (
        "Travailleurs immigrés, souvent âgés et isolés, historiquement logés en foyer, et d'autres publics "
        "aux ressources modestes.",
        "Anciens foyers de travailleurs migrants transformés en résidences sociales : les chambres des foyers "
        "laissent place à des logements autonomes.",
    ),
}

LOGEMENT_DABORD = (
    Fact(
        "Lancée en 2017 par le Président de la République, la politique du Logement d'abord vise à diminuer de "
        "manière significative le nombre de personnes sans domicile, en les orientant de l'hébergement vers le "
        "logement grâce à un accompagnement adapté. Les résidences sociales y ont démontré toute leur importance.",
        SEED_MINISTERE,
    ),
    Fact(
        "Le Logement d'abord rompt avec le « parcours en escalier » : l'accompagnement social commence en même "
        "temps que l'accès au logement, sans exiger d'abord de la personne qu'elle prouve son « aptitude » à "
        "habiter.",
        SEED_PREFET,
    ),
    Fact("« Il n'y a pas de capacité à habiter, le logement est un droit. »", SEED_DIHAL),
    Fact(
        "Le plan quinquennal 2018-2022 prévoyait notamment la création de places en intermédiation locative, en "
        "pensions de famille et en résidences sociales, et des objectifs d'attribution de logements sociaux aux "
        "ménages hébergés, déclinés par région, par département et par intercommunalité.",
        SEED_PREFET,
    ),
    Fact(
        "Mieux accompagner les personnes et favoriser leur maintien dans le logement est une priorité du plan : "
        "c'est la qualité de l'accompagnement qui permet une insertion durable.",
        SEED_DIHAL,
    ),
    Fact(
        "La relance des résidences sociales fait l'objet d'une feuille de route nationale, construite par les "
        "services de l'État, les acteurs du logement accompagné et les collectivités, qui s'inscrit dans l'acte II "
        "du Logement d'abord ; l'un de ses quatre axes porte sur l'information des acteurs locaux.",
        SEED_MINISTERE,
    ),
)

#: The residential pathway: the steps a household may go through (not a compulsory staircase).
PATHWAY = (
    "Rue ou hébergement d'urgence",
    "Hébergement (CHRS, centres d'hébergement)",
    "Résidence sociale ou pension de famille",
    "Logement ordinaire, en autonomie",
)
PATHWAY_FACTS = (
    Fact(
        "La résidence sociale soutient le parcours résidentiel des ménages : c'est une étape importante avant de "
        "retrouver une totale autonomie, le « temps de respiration » dont une personne peut avoir besoin.",
        SEED_FEUILLE_DE_ROUTE,
    ),
    Fact(
        "L'accès au logement est un parcours et chaque étape est essentielle ; mais le Logement d'abord vise "
        "l'accès direct au logement chaque fois que c'est possible : ces étapes ne sont pas un passage obligé.",
        SEED_PREFET,
    ),
)

RESERVATIONS_INTRO = Fact(
    "Les résidences sociales, leur rôle et leur fonction sont parfois mal connus des acteurs locaux, ce qui freine "
    "leur développement. Les réserves portent souvent sur la précarité des publics accueillis ou sur la crainte "
    "d'une intégration difficile de la résidence dans son environnement.",
    SEED_MINISTERE,
)

#: (the reservation as officials voice it, the answers)
RESERVATIONS = (
    (
        "« Les habitants sont très précaires : la résidence va concentrer les difficultés. »",
        (
            Fact(
                "Les habitants ne sont pas livrés à eux-mêmes : la résidence associe au logement un "
                "accompagnement adapté, avec des professionnels qui les orientent dans leurs démarches.",
                SEED_FEUILLE_DE_ROUTE,
            ),
            Fact(
                "Les publics sont variés — travailleurs précaires, jeunes, saisonniers, familles monoparentales, "
                "bénéficiaires de minima sociaux — et la résidence les aide à améliorer leur situation "
                "économique et de logement.",
                SEED_PLATEFORME,
            ),
            Fact(
                "L'accompagnement se construit avec les personnes, sur le principe de la libre adhésion : c'est "
                "souvent la meilleure prévention des ruptures.",
                SEED_DIHAL,
            ),
            Fact(
                "Une prise en charge précoce et préventive évite des situations de grande vulnérabilité, bien plus "
                "coûteuses pour la collectivité (santé, urgence sociale…).",
                SEED_FEUILLE_DE_ROUTE,
            ),
        ),
    ),
    (
        "« La résidence s'intégrera mal dans le quartier. »",
        (
            Fact(
                "La résidence sociale est un produit souple : sa catégorie et son public se choisissent selon les "
                "besoins du territoire.",
                SEED_MINISTERE,
            ),
            Fact(
                "L'adhésion des collectivités aux projets est essentielle pour la bonne implantation des "
                "résidences dans les territoires.",
                SEED_MINISTERE,
            ),
            Fact(
                "Les gestionnaires ouvrent leurs portes : lors d'une journée régionale, les adhérents de l'Unafo "
                "ont fait visiter leurs résidences à leurs partenaires. Visiter une résidence existante permet de "
                "s'en faire une idée concrète.",
                SEED_PLATEFORME,
            ),
            Fact(
                "La résidence se relie aux services du territoire : les partenaires régionaux se sont engagés sur "
                "l'accès des habitants au logement, à la santé et à l'emploi.",
                SEED_PLATEFORME,
            ),
        ),
    ),
)

BENEFITS = (
    Fact(
        "Une ressource sur laquelle le territoire peut s'appuyer pour répondre aux besoins de logement de ses "
        "habitants, quel que soit leur profil.",
        SEED_FEUILLE_DE_ROUTE,
    ),
    Fact(
        "Un logement pour des travailleurs précaires, des jeunes, des saisonniers : la feuille de route régionale "
        "invite à en parler aussi aux acteurs de l'emploi.",
        SEED_FEUILLE_DE_ROUTE,
    ),
    Fact(
        "De la prévention : en accompagnant tôt les personnes mal logées, les résidences évitent à la collectivité "
        "des coûts bien supérieurs (santé, urgence sociale…).",
        SEED_FEUILLE_DE_ROUTE,
    ),
    Fact(
        "Une contribution aux objectifs du Logement d'abord : places en pensions de famille et en résidences "
        "sociales, sorties d'hébergement vers le logement.",
        SEED_PREFET,
    ),
    Fact(
        "Une offre à inscrire dans le programme local de l'habitat (PLH), comme le recommandent les partenaires "
        "régionaux.",
        SEED_FEUILLE_DE_ROUTE,
    ),
)

# --- /comprendre/monter-un-projet -------------------------------------------------------------

PROJECT_LEAD = "Qui fait quoi, dans quel ordre, avec quels financements."

#: (actor, role facts)
ACTORS = (
    (
        "La commune et l'intercommunalité",
        (
            Fact(
                "Leur adhésion est essentielle pour stimuler la production de résidences sociales et assurer leur "
                "bonne implantation ; les élus, les adjoints aux affaires sociales et les CCAS sont associés à la "
                "démarche.",
                SEED_MINISTERE,
            ),
            Fact(
                "L'intercommunalité peut inscrire l'offre dans son programme local de l'habitat.", SEED_FEUILLE_DE_ROUTE
            ),
            Fact(
                "Elles peuvent faciliter l'accès au foncier et participer au financement.",
                GENERAL,
            ),
        ),
    ),
    (
        "Le propriétaire",
        (
            Fact(
                "Souvent un bailleur social (organisme HLM ; en région, l'Union régionale HLM est signataire de la "
                "plateforme d'ambitions).",
                SEED_PLATEFORME,
            ),
            Fact("Il porte l'investissement : construction ou réhabilitation du bâtiment.", GENERAL),
        ),
    ),
    (
        "Le gestionnaire",
        (
            Fact(
                "Un organisme du logement accompagné : en région, les réseaux de l'Unafo, de l'Union régionale "
                "Habitat Jeunes (URHAJ, foyers de jeunes travailleurs) et de l'URCLLAJ sont engagés dans la "
                "plateforme d'ambitions.",
                SEED_PLATEFORME,
            ),
            Fact(
                "Il gère la résidence au quotidien, accueille les habitants et assure leur accompagnement.",
                GENERAL,
            ),
        ),
    ),
    (
        "Les services de l'État",
        (
            Fact(
                "Les équipes de la DREETS ont défini avec les partenaires régionaux leur feuille de route.",
                SEED_FEUILLE_DE_ROUTE,
            ),
            Fact(
                "Les services déconcentrés sont, avec les élus, les premiers destinataires de l'information sur les "
                "résidences sociales.",
                SEED_MINISTERE,
            ),
            Fact(
                "Ils instruisent les demandes d'agrément et de financement de l'État et suivent le plan Logement "
                "d'abord dans les départements.",
                GENERAL,
            ),
        ),
    ),
    (
        "Les financeurs",
        (
            Fact(
                "La Banque des Territoires et Action Logement sont partenaires de la dynamique régionale, aux côtés "
                "des acteurs du logement accompagné.",
                SEED_FEUILLE_DE_ROUTE,
            ),
            Fact(
                "L'État et les collectivités subventionnent l'investissement ; des prêts de long terme complètent "
                "le plan de financement.",
                GENERAL,
            ),
        ),
    ),
)

#: (stage, what happens, source)
STAGES = (
    (
        "Partager le constat des besoins",
        "Diagnostic local des besoins de logement des publics concernés ; inscription de l'offre dans le "
        "programme local de l'habitat.",
        SEED_FEUILLE_DE_ROUTE,
    ),
    (
        "Choisir la catégorie de résidence et le public",
        "Résidence généraliste, pension de famille, résidence accueil, foyer de jeunes travailleurs… selon les "
        "besoins repérés : c'est le projet social de la résidence.",
        GENERAL,
    ),
    (
        "Réunir le propriétaire et le gestionnaire",
        "Le bailleur qui investit et l'organisme qui gérera et accompagnera les habitants construisent le projet "
        "ensemble, avec la commune.",
        GENERAL,
    ),
    (
        "Trouver le terrain ou le bâtiment",
        "Construction neuve ou transformation d'un bâtiment existant ; conception des logements et des espaces "
        "collectifs.",
        GENERAL,
    ),
    (
        "Boucler le modèle économique",
        "Plan de financement de l'investissement et budget de fonctionnement, y compris l'accompagnement : c'est "
        "le modèle économique que les partenaires régionaux veulent décortiquer et renforcer.",
        SEED_FEUILLE_DE_ROUTE,
    ),
    (
        "Obtenir les décisions de financement et d'agrément",
        "Dossiers déposés auprès des services de l'État et des autres financeurs, conventions avec l'État.",
        GENERAL,
    ),
    (
        "Construire, ouvrir, faire connaître",
        "Travaux, puis ouverture : accueil des premiers habitants, partenariats avec la santé et l'emploi, "
        "portes ouvertes pour faire connaître la résidence.",
        SEED_PLATEFORME,
    ),
)

FUNDING_INVESTMENT = (
    Fact(
        "Financement de l'État pour le logement très social : prêt locatif aidé d'intégration (PLAI) et "
        "subvention associée ; aides éventuelles des collectivités.",
        GENERAL,
    ),
    Fact("Prêts de long terme, notamment de la Banque des Territoires ; financements d'Action Logement.", GENERAL),
    Fact("Fonds propres du propriétaire.", GENERAL),
)
FUNDING_OPERATION = (
    Fact(
        "Redevances payées par les habitants, qui peuvent bénéficier d'une aide au logement.",
        GENERAL,
    ),
    Fact(
        "Aide à la gestion locative sociale (AGLS), versée par l'État pour une résidence sociale.",
        GENERAL,
    ),
    Fact(
        "Forfait journalier de fonctionnement des pensions de famille, versé par l'État.",
        GENERAL,
    ),
    Fact(
        "Financements de l'accompagnement social, selon le public et le territoire.",
        GENERAL,
    ),
)
FUNDING_NOTE = Fact(
    "Le modèle économique des résidences sociales souffre d'un soutien financier insuffisant : les partenaires "
    "régionaux veulent le décortiquer, en investissement comme en fonctionnement, et montrer ce que ces "
    "investissements apportent aux territoires.",
    SEED_FEUILLE_DE_ROUTE,
)

REGIONAL_DYNAMIC = (
    Fact(
        "La Banque des Territoires, l'Unafo, l'Union régionale HLM, l'Union régionale Habitat Jeunes et "
        "l'URCLLAJ ont signé une plateforme d'ambitions : production d'une offre nouvelle, renforcement du modèle "
        "économique, accès au logement, à la santé et à l'emploi, maintien d'un parc de qualité, mobilisation "
        "des collectivités. Un comité des partenaires la décline en un plan d'action annuel.",
        SEED_PLATEFORME,
    ),
    Fact(
        "Avec la DREETS et Action Logement, ces partenaires ont défini en 2024 une feuille de route : faire "
        "connaître les bénéfices de cette offre pour l'inscrire dans les programmes locaux de l'habitat, "
        "décortiquer son modèle économique, la mobiliser à toutes les étapes du parcours résidentiel.",
        SEED_FEUILLE_DE_ROUTE,
    ),
)
