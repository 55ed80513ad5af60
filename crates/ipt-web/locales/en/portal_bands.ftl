# What a patient reads for a score's band, on the questionnaire result page and on "My progress"
# alike: one catalogue, our own plain words, per instrument and band. They describe the answers
# (few or many problems), never that someone is well, never a diagnosis, never the clinician's
# band name ("normal range", "negative screen", "below threshold", "not lonely" …). At most 24
# characters, so each is written whole beside its band on the chart. A band with no phrase here
# (a band set a deployment chose) is shown as the score and its range alone.
portal-band-phq9-minimal = few problems
portal-band-phq9-mild = some problems
portal-band-phq9-moderate = quite a few problems
portal-band-phq9-moderately_severe = many problems
portal-band-phq9-severe = very many problems
portal-band-phqa-minimal = few problems
portal-band-phqa-mild = some problems
portal-band-phqa-moderate = quite a few problems
portal-band-phqa-moderately_severe = many problems
portal-band-phqa-severe = very many problems
portal-band-phq2-negative = fewer of these problems
portal-band-phq2-positive = more of these problems
portal-band-gad7-minimal = little worry or tension
portal-band-gad7-mild = some worry or tension
portal-band-gad7-moderate = quite a lot of worry
portal-band-gad7-severe = a great deal of worry
portal-band-epds-below_threshold = fewer difficulties
portal-band-epds-possible_depression = some difficulties
portal-band-epds-probable_depression = many difficulties
portal-band-gds15-normal = few difficulties
portal-band-gds15-mild = some difficulties
portal-band-gds15-moderate = quite a few difficulties
portal-band-gds15-severe = many difficulties
portal-band-mspss-low = feeling little support
portal-band-mspss-moderate = feeling some support
portal-band-mspss-high = feeling a lot of support
portal-band-ucla3-not_lonely = lonely less often
portal-band-ucla3-lonely = lonely more often
portal-band-wsas-subclinical = get in the way a little
portal-band-wsas-significant = get in the way a lot
portal-band-wsas-moderately_severe = get in the way very much
# The HAM-D is rated by the clinician and not offered on the portal; worded all the same, in
# case a patient is ever shown it (both of its band sets use these codes).
portal-band-hamd17-normal = few problems
portal-band-hamd17-mild = some problems
portal-band-hamd17-moderate = quite a few problems
portal-band-hamd17-severe = many problems
portal-band-hamd17-very_severe = very many problems
