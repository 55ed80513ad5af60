# Learning pages on the patient portal, written by us in plain words (a reading age of about 12).
# Each page: a title, a one-line summary and numbered paragraphs (portal/learn.rs lists how many).
portal-learn-title = Learn
portal-learn-intro = Short pages about depression and about this therapy. Each takes a few minutes to read. They do not replace talking with your therapist.
portal-learn-talk = If something here raises a question for you, bring it to your next session.
portal-learn-more = Other pages
portal-learn-all = All learning pages

portal-learn-depression-title = Depression: common and treatable
portal-learn-depression-summary = Depression is an illness, not a weakness, and most people get better with treatment.
portal-learn-depression-p1 = Depression is more than feeling sad for a few days. It is an illness that lasts at least two weeks and changes how you feel, think and live. You may feel low or empty most of the time, or lose interest in things you used to enjoy. Sleep, appetite and energy often change. It can be hard to concentrate or to make decisions. Some people feel guilty or worthless, and some have thoughts of death.
portal-learn-depression-p2 = Depression is common. Many people have it at some point in their life, whatever their age, job or background. It is not your fault, and it is not a sign of weakness or of a bad character. Like other illnesses, it has causes: what happens in our lives and our relationships, our bodies, and the stress we carry.
portal-learn-depression-p3 = Depression can be treated. Talking therapies such as this one help many people, and so do medicines; sometimes the two are used together. Getting better usually takes some weeks, and it is rarely a straight line: good and bad days can come and go along the way.
portal-learn-depression-p4 = If you ever feel that you might harm yourself, or that life is not worth living, do not wait for your next session. Tell your therapist, and use the "Need help now?" link at the bottom of every page to find help straight away.

portal-learn-sick-role-title = Being unwell for a while: the "sick role"
portal-learn-sick-role-summary = While you are unwell, it is fair to do less, and your job is to take part in getting better.
portal-learn-sick-role-p1 = When someone breaks a leg, nobody expects them to run for the bus. Depression is an illness too, even if other people cannot see it. In this therapy we call this the "sick role": for a while, you are someone who is unwell and getting treatment.
portal-learn-sick-role-p2 = The sick role gives you permission. It is fair to do less than usual while you are unwell, and to let go of some tasks for a time. Being slower, more tired or less able to cope is part of the illness, not laziness. You and your therapist can decide together what to put aside for now, and whom it may help to tell.
portal-learn-sick-role-p3 = The sick role also asks something of you: to take part in getting well. That means coming to your sessions, trying the things you agree on between sessions, and telling your therapist honestly how things are going, including when something does not help.
portal-learn-sick-role-p4 = The sick role is temporary. As you feel better, you will slowly take back the things you set aside, at a pace that suits you. It is not a label that stays with you. It is a way of giving yourself room to recover.

portal-learn-ipt-title = What IPT is, and its three phases
portal-learn-ipt-summary = A short talking therapy that looks at how your mood and your relationships affect each other.
portal-learn-ipt-p1 = IPT stands for interpersonal psychotherapy. "Interpersonal" means between people. IPT starts from something most of us know: how we feel is linked to what is going on with the people in our lives, and the other way round. When relationships are hard, mood often drops; when mood is low, relationships get harder.
portal-learn-ipt-p2 = IPT is short and has a clear end. At the start you and your therapist agree together on the number of sessions, how often you meet and the date of the last session. It has three phases.
portal-learn-ipt-p3 = In the first phase, the first few sessions, you and your therapist talk about your depression and about the important people in your life. You look at when the depression started and what was happening around then. Together you choose one or two areas to focus on, and put them into words as a shared plan.
portal-learn-ipt-p4 = In the middle phase, you work on that focus. You talk about what happened during the week, how you felt and what you might try. Between sessions you try out small changes in your relationships, and then talk about how they went.
portal-learn-ipt-p5 = In the last phase, you look back at what has changed and at what you have learned. You talk about how it feels to finish, and you make a plan for spotting early warning signs and for what to do if low mood comes back.

portal-learn-grief-title = Grief: after someone dies
portal-learn-grief-summary = When the death of someone close is linked to depression, IPT helps you to mourn and to find support again.
portal-learn-grief-p1 = Grief is the natural pain we feel when someone we love dies. Most people slowly find a way to live with the loss, even though they still miss the person. Sometimes, though, grief gets stuck. Long after the death it may still feel as raw as on the first day, or it may seem absent, as if the loss had been pushed away. Then depression can follow.
portal-learn-grief-p2 = In IPT, you talk about the person who died: what they were like, the good times and the hard ones, and what happened before, during and after the death. Mixed feelings are common. Anger, guilt or even relief can sit alongside love and sadness, and all of them can be said out loud in your sessions.
portal-learn-grief-p3 = Little by little, the aim is to let mourning happen, and then to turn towards life again: to reconnect with people, and to take up old interests or find new ones. This does not mean forgetting. Many people keep a bond with the person they lost while they rebuild their days.
portal-learn-grief-p4 = Grief has no fixed timetable. Your therapist will go at a pace that feels bearable for you.

portal-learn-role-disputes-title = Disagreements with someone important
portal-learn-role-disputes-summary = When a conflict with someone close is linked to depression, IPT helps you to look at it and try new ways through.
portal-learn-role-disputes-p1 = Sometimes depression goes together with a conflict with someone who matters to you: a partner, a parent, a child, a friend or a colleague. Often the two of you expect different things from each other. The same arguments may come back again and again, or you may have stopped talking about it at all.
portal-learn-role-disputes-p2 = In IPT, you look closely at the disagreement. What does each of you want? What has been tried so far? How do your conversations usually go, almost word by word? You may notice patterns that also show up in other relationships.
portal-learn-role-disputes-p3 = Then you and your therapist look at your options and practise. That might mean saying what you need more clearly, listening in a different way, or trying out a difficult conversation in the session first. You decide what you want to change; your therapist does not take sides or push you towards a particular outcome.
portal-learn-role-disputes-p4 = Sometimes a relationship can be repaired, and sometimes it becomes clear that it cannot go on as it was. Either way, understanding the disagreement and finding your own way through it often eases the depression.

portal-learn-role-transitions-title = A big change in life
portal-learn-role-transitions-summary = When a change such as a move, a new job, losing work or a new baby is linked to depression, IPT helps you adjust.
portal-learn-role-transitions-p1 = Life changes can shake us: starting or losing a job, retiring, moving home, becoming a parent, a separation, an illness, or starting to care for someone. Even a change that other people see as good can feel like a loss. When depression starts around a change like this, IPT looks at the change itself.
portal-learn-role-transitions-p2 = In your sessions, you look honestly at the old situation and the new one. What did you lose? What was hard about the old situation too? What does the new one ask of you, and what could it offer? It is common to feel sad, angry or afraid about what has ended.
portal-learn-role-transitions-p3 = Step by step, the aim is to let go of what has gone and to feel more at home in the new situation. That can mean learning new skills, finding people who can support you in this new part of your life, and noticing the small things you are already managing.
portal-learn-role-transitions-p4 = Many people find that once they make room for their feelings about the change, they start to see possibilities that they could not see at first.

portal-learn-isolation-title = Feeling alone, or finding relationships hard
portal-learn-isolation-summary = When depression goes together with loneliness, or with difficulty making and keeping relationships, IPT helps you build connections.
portal-learn-isolation-p1 = For some people, no single event started their depression. Instead they have felt lonely for a long time, have few people to turn to, or find it hard to make friends or to keep relationships going. This part of IPT is for them. Loneliness and low mood feed each other: the lower you feel, the harder it is to reach out.
portal-learn-isolation-p2 = In your sessions, you and your therapist look at your relationships, past and present: what went well, what went wrong, and whether some patterns repeat. Your relationship with your therapist can help too, as a safe place to notice how you feel with another person and to try new ways of talking.
portal-learn-isolation-p3 = Together you set small, realistic steps: sending a message, saying yes to an invitation, joining a group, or getting back in touch with someone. You practise in the session, try it during the week, and then talk about how it went.
portal-learn-isolation-p4 = Change here often comes slowly, and that is all right. Each small connection counts.

# The IPT page's second paragraph, for the patient's own course (portal/learn.rs, course_length).
portal-learn-ipt-p2-course = IPT is short and has a clear end. { $format } { $length } { $phases }
portal-learn-ipt-agreed = You and your therapist agreed on { $sessions } sessions, { $frequency }, with the last one planned for { $end }.
portal-learn-ipt-to-agree = At the start you and your therapist agree together on the number of sessions and the date of the last one. For this kind of IPT it is usually { $usual }.
portal-learn-usual-range = { $min } to { $max } sessions, { $frequency }
portal-learn-usual-one = { $n } sessions, { $frequency }
portal-learn-usual-months = { $frequency } sessions for { $min } to { $max } months
portal-learn-ipt-phases = It has three phases.
portal-learn-ipt-phases-maintenance = The phases below describe the therapy that usually comes before maintenance sessions; in maintenance you keep up what helped and watch for early warning signs.
portal-learn-format-individual = Your therapy is individual IPT: you meet your therapist on your own.
portal-learn-format-brief = Your therapy is brief IPT: a shorter course of sessions with your therapist.
portal-learn-format-adolescent = Your therapy is IPT for young people: a parent or carer may join a few of the sessions.
portal-learn-format-perinatal_postpartum = Your therapy is IPT for the months after a baby is born.
portal-learn-format-perinatal_antenatal = Your therapy is IPT for the time of pregnancy.
portal-learn-format-older_adult = Your therapy is IPT for older adults: someone close to you may join some sessions, if you wish.
portal-learn-format-telephone = Your therapy is IPT by telephone: your sessions are phone calls.
portal-learn-format-group = Your therapy is group IPT: after a first meeting on your own, you meet with a small group and its leader.
portal-learn-format-maintenance = Your therapy is maintenance IPT: sessions spaced further apart, after an earlier course of therapy.
