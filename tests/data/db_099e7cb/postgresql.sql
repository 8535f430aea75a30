CREATE FUNCTION assistant_one_session(n bigint) RETURNS bigint
    LANGUAGE plpgsql
    AS $$ BEGIN IF n <> 1 THEN RAISE EXCEPTION 'the session is gone or has changed' USING ERRCODE = 'no_data_found'; END IF; RETURN n; END $$;

CREATE FUNCTION audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;

CREATE TABLE audit_log (
    id integer NOT NULL,
    at timestamp with time zone NOT NULL,
    staff character varying(8) NOT NULL,
    action character varying(40) NOT NULL,
    detail character varying(500) NOT NULL
);

CREATE SEQUENCE audit_log_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE audit_log_id_seq OWNED BY audit_log.id;

CREATE TABLE booking_cells (
    id integer NOT NULL,
    resource character varying(40) NOT NULL,
    cell timestamp with time zone NOT NULL,
    booking_id integer NOT NULL
);

CREATE SEQUENCE booking_cells_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE booking_cells_id_seq OWNED BY booking_cells.id;

CREATE TABLE bookings (
    id integer NOT NULL,
    code character varying(8) NOT NULL,
    meeting_type character varying(40) NOT NULL,
    channel character varying(16) NOT NULL,
    meeting_lang character varying(5) NOT NULL,
    lang character varying(5) NOT NULL,
    staff_id integer NOT NULL,
    interpreter_id integer,
    start timestamp with time zone NOT NULL,
    "end" timestamp with time zone NOT NULL,
    name character varying(200) NOT NULL,
    phone character varying(20) NOT NULL,
    status character varying(16) NOT NULL,
    active_key character varying(80),
    sequence integer NOT NULL,
    checked_in_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL
);

CREATE SEQUENCE bookings_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE bookings_id_seq OWNED BY bookings.id;

CREATE TABLE callback_requests (
    id integer NOT NULL,
    kind character varying(16) NOT NULL,
    topic character varying(40) NOT NULL,
    lang character varying(5) NOT NULL,
    name character varying(200),
    phone character varying(20),
    note character varying(500),
    session_id character varying(32),
    status character varying(16) NOT NULL,
    created_at timestamp with time zone NOT NULL
);

CREATE SEQUENCE callback_requests_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE callback_requests_id_seq OWNED BY callback_requests.id;

CREATE TABLE closed_days (
    day date NOT NULL,
    reason character varying(200) NOT NULL
);

CREATE TABLE flow_stats (
    id integer NOT NULL,
    day date NOT NULL,
    flow_id character varying(40) NOT NULL,
    event character varying(16) NOT NULL,
    step_id character varying(40) NOT NULL,
    count integer NOT NULL
);

CREATE SEQUENCE flow_stats_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE flow_stats_id_seq OWNED BY flow_stats.id;

CREATE TABLE interpreters (
    id integer NOT NULL,
    name character varying(200) NOT NULL,
    language character varying(5) NOT NULL,
    active boolean NOT NULL
);

CREATE SEQUENCE interpreters_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE interpreters_id_seq OWNED BY interpreters.id;

CREATE TABLE login_attempts (
    id integer NOT NULL,
    initials character varying(8) NOT NULL,
    at timestamp with time zone NOT NULL
);

CREATE SEQUENCE login_attempts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE login_attempts_id_seq OWNED BY login_attempts.id;

CREATE TABLE meeting_types (
    code character varying(40) NOT NULL,
    minutes integer NOT NULL,
    channels character varying(60) NOT NULL
);

CREATE TABLE opening_hours (
    id integer NOT NULL,
    weekday integer NOT NULL,
    opens character varying(5) NOT NULL,
    closes character varying(5) NOT NULL
);

CREATE SEQUENCE opening_hours_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE opening_hours_id_seq OWNED BY opening_hours.id;

CREATE TABLE outbox (
    id integer NOT NULL,
    phone character varying(20) NOT NULL,
    lang character varying(5) NOT NULL,
    kind character varying(16) NOT NULL,
    body text NOT NULL,
    due_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    booking_id integer
);

CREATE SEQUENCE outbox_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE outbox_id_seq OWNED BY outbox.id;

CREATE TABLE resume_codes (
    id integer NOT NULL,
    code character varying(8) NOT NULL,
    state text NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used boolean NOT NULL
);

CREATE SEQUENCE resume_codes_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE resume_codes_id_seq OWNED BY resume_codes.id;

CREATE TABLE sessions (
    id character varying(32) NOT NULL,
    key character varying(128) NOT NULL,
    channel character varying(16) NOT NULL,
    lang character varying(5) NOT NULL,
    state text NOT NULL,
    turns integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);

CREATE TABLE sms_contacts (
    phone_hash character varying(64) NOT NULL,
    stopped boolean NOT NULL,
    pending text,
    updated_at timestamp with time zone NOT NULL
);

CREATE TABLE sms_messages (
    id integer NOT NULL,
    sid character varying(64) NOT NULL,
    phone_hash character varying(64),
    reply text,
    created_at timestamp with time zone NOT NULL
);

CREATE SEQUENCE sms_messages_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE sms_messages_id_seq OWNED BY sms_messages.id;

CREATE TABLE staff (
    id integer NOT NULL,
    initials character varying(8) NOT NULL,
    name character varying(200) NOT NULL,
    languages character varying(40) NOT NULL,
    competences character varying(400) NOT NULL,
    pin_hash character varying(200),
    active boolean NOT NULL
);

CREATE SEQUENCE staff_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE staff_id_seq OWNED BY staff.id;

CREATE TABLE turns (
    id integer NOT NULL,
    session_id character varying(32) NOT NULL,
    seq integer NOT NULL,
    lang character varying(5) NOT NULL,
    input text NOT NULL,
    reply text NOT NULL,
    created_at timestamp with time zone NOT NULL
);

CREATE SEQUENCE turns_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE turns_id_seq OWNED BY turns.id;

ALTER TABLE ONLY audit_log ALTER COLUMN id SET DEFAULT nextval('audit_log_id_seq'::regclass);

ALTER TABLE ONLY booking_cells ALTER COLUMN id SET DEFAULT nextval('booking_cells_id_seq'::regclass);

ALTER TABLE ONLY bookings ALTER COLUMN id SET DEFAULT nextval('bookings_id_seq'::regclass);

ALTER TABLE ONLY callback_requests ALTER COLUMN id SET DEFAULT nextval('callback_requests_id_seq'::regclass);

ALTER TABLE ONLY flow_stats ALTER COLUMN id SET DEFAULT nextval('flow_stats_id_seq'::regclass);

ALTER TABLE ONLY interpreters ALTER COLUMN id SET DEFAULT nextval('interpreters_id_seq'::regclass);

ALTER TABLE ONLY login_attempts ALTER COLUMN id SET DEFAULT nextval('login_attempts_id_seq'::regclass);

ALTER TABLE ONLY opening_hours ALTER COLUMN id SET DEFAULT nextval('opening_hours_id_seq'::regclass);

ALTER TABLE ONLY outbox ALTER COLUMN id SET DEFAULT nextval('outbox_id_seq'::regclass);

ALTER TABLE ONLY resume_codes ALTER COLUMN id SET DEFAULT nextval('resume_codes_id_seq'::regclass);

ALTER TABLE ONLY sms_messages ALTER COLUMN id SET DEFAULT nextval('sms_messages_id_seq'::regclass);

ALTER TABLE ONLY staff ALTER COLUMN id SET DEFAULT nextval('staff_id_seq'::regclass);

ALTER TABLE ONLY turns ALTER COLUMN id SET DEFAULT nextval('turns_id_seq'::regclass);

INSERT INTO audit_log VALUES (1, '2026-12-06 14:00:18.090213+00', 'FX', 'pin_set', '');
INSERT INTO audit_log VALUES (2, '2026-12-06 14:00:18.41452+00', 'FX', 'login_failed', '');
INSERT INTO audit_log VALUES (3, '2026-12-06 14:00:18.55081+00', 'FX', 'close_day', '2026-12-24: 0 cancelled');

INSERT INTO booking_cells VALUES (1, 'staff:1', '2026-12-01 11:00:00+00', 1);
INSERT INTO booking_cells VALUES (2, 'staff:1', '2026-12-01 11:15:00+00', 1);

INSERT INTO bookings VALUES (1, '7YVCQR', 'job_meeting', 'in_person', 'da', 'da', 1, NULL, '2026-12-01 11:00:00+00', '2026-12-01 11:30:00+00', 'Ole Hansen', '+4522334455', 'active', '+4522334455|job_meeting', 0, NULL, '2026-12-06 14:00:17.800835+00');

INSERT INTO callback_requests VALUES (1, 'callback', 'meeting', 'en', 'Anna Jensen', '+4522334455', NULL, '863092dc52c443e78ed9b117e2108d97', 'open', '2026-12-06 14:00:17.57419+00');

INSERT INTO closed_days VALUES ('2026-12-24', 'juleaften');

INSERT INTO flow_stats VALUES (1, '2026-12-01', 'voksenlaerling', 'started', '', 1);
INSERT INTO flow_stats VALUES (2, '2026-12-01', 'voksenlaerling', 'saved', 'education', 1);
INSERT INTO flow_stats VALUES (3, '2026-12-01', 'voksenlaerling', 'left', 'education', 1);
INSERT INTO flow_stats VALUES (4, '2026-12-01', 'staff', 'started', '', 1);
INSERT INTO flow_stats VALUES (5, '2026-12-01', 'staff', 'completed', '', 1);
INSERT INTO flow_stats VALUES (6, '2026-12-01', 'book', 'started', '', 1);
INSERT INTO flow_stats VALUES (7, '2026-12-01', 'book', 'completed', '', 1);

INSERT INTO interpreters VALUES (1, 'Demo tolk (ukrainsk)', 'uk', true);

INSERT INTO login_attempts VALUES (1, 'FX', '2026-12-06 14:00:18.106766+00');

INSERT INTO meeting_types VALUES ('first_meeting', 45, 'in_person');
INSERT INTO meeting_types VALUES ('job_meeting', 30, 'in_person,phone,video');
INSERT INTO meeting_types VALUES ('sickness_followup', 30, 'in_person,phone,video');
INSERT INTO meeting_types VALUES ('upskilling', 45, 'in_person,phone,video');
INSERT INTO meeting_types VALUES ('adult_apprenticeship', 45, 'in_person,phone,video');
INSERT INTO meeting_types VALUES ('repatriation', 60, 'in_person,phone');
INSERT INTO meeting_types VALUES ('special_law_intake', 60, 'in_person');

INSERT INTO opening_hours VALUES (1, 0, '09:00', '15:00');
INSERT INTO opening_hours VALUES (2, 1, '09:00', '15:00');
INSERT INTO opening_hours VALUES (3, 2, '09:00', '15:00');
INSERT INTO opening_hours VALUES (4, 3, '09:00', '17:00');
INSERT INTO opening_hours VALUES (5, 4, '09:00', '13:00');

INSERT INTO outbox VALUES (1, '+4522334455', 'da', 'receipt', 'Dit møde er booket.
Kode: 7YVCQR
Tid: tirsdag den 1. december 2026 kl. 12.00
Møde: Jobsamtale
Hvordan: I jobcentret
Vis eller skriv din kode, når du kommer.', '2026-12-01 09:00:00+00', NULL, 1);

INSERT INTO resume_codes VALUES (1, '27WGZY', '{"lang":"en","flow":{"flow_id":"voksenlaerling","step":"education","answers":{"age":30,"situation":"unemployed"},"history":["age","situation"],"tries":0,"changed":[],"returning":false,"done":false,"offers":{},"after":null},"awaiting":null,"suggestions":[]}', '2026-12-08 09:00:00+00', false);

INSERT INTO sessions VALUES ('648ea88ee57043c1a227e143ff8fce05', 'sms:17e7f4ecbc790a2d0e9a6a21b045951d87a3b09c0efa9be7293eb6cab15d244f', 'sms', 'da', '{"lang":"da","flow":null,"awaiting":null,"suggestions":[]}', 9, '2026-12-06 14:00:17.637524+00', '2026-12-06 14:00:17.862739+00');
INSERT INTO sessions VALUES ('de8171c674f449c7851604e93376df2c', 'sms:d26a507a5f49cb7ae877c616a6c2b537917e9f0572726773c75d8e9b5c27d2a7', 'sms', 'uk', '{"lang":"uk","flow":null,"awaiting":"menu","suggestions":[]}', 1, '2026-12-06 14:00:17.895343+00', '2026-12-06 14:00:17.898929+00');
INSERT INTO sessions VALUES ('863092dc52c443e78ed9b117e2108d97', 'chat:fixture', 'text', 'en', '{"lang":"en","flow":null,"awaiting":null,"suggestions":[]}', 11, '2026-12-06 14:00:17.470642+00', '2026-12-06 14:00:17.614614+00');

INSERT INTO sms_contacts VALUES ('d26a507a5f49cb7ae877c616a6c2b537917e9f0572726773c75d8e9b5c27d2a7', false, 'Що ви хочете зробити? Оберіть номер або напишіть своє запитання.
1 Записатися на зустріч
2 Зареєструватися на зустріч
3 Змінити або скасувати зустріч
4 Крок угору - навчання та підвищення кваліфікації
5 Навчання дорослих (voksenlærling)
6 Репатріація - повернення
7 Українці - спеціальний закон
8 Поставити запитання
9 Поговорити з працівником', '2026-12-06 14:00:17.898891+00');
INSERT INTO sms_contacts VALUES ('7a8578d10a2e6f9f86cd0b2e4202ea31b3669887c9da5ace6f1fdbbf367664fa', true, NULL, '2026-12-06 14:00:17.903617+00');

INSERT INTO sms_messages VALUES (1, 'SMfix0', '17e7f4ecbc790a2d0e9a6a21b045951d87a3b09c0efa9be7293eb6cab15d244f', 'Hvad vil du gerne? Vælg et nummer, eller skriv dit spørgsmål.
1 Book et møde
2 Tjek ind til et møde
3 Flyt eller aflys et møde
4 Ét trin op - uddannelse og opkvalificering
5 Voksenlærling
6 Repatriering - at flytte tilbage
7 Ukrainere - særloven
8 Stil et spørgsmål
9 Tal med en medarbejder', '2026-12-06 14:00:17.629374+00');
INSERT INTO sms_messages VALUES (2, 'SMfix1', '17e7f4ecbc790a2d0e9a6a21b045951d87a3b09c0efa9be7293eb6cab15d244f', 'Book et møde
Hvilket slags møde har du brug for?
1 Første møde
2 Jobsamtale
3 Opfølgning på sygdom
4 Vejledning om uddannelse
5 Voksenlærling
6 Vejledning om repatriering
7 Særloven (Ukraine)', '2026-12-06 14:00:17.644112+00');
INSERT INTO sms_messages VALUES (3, 'SMfix2', '17e7f4ecbc790a2d0e9a6a21b045951d87a3b09c0efa9be7293eb6cab15d244f', 'Hvordan vil du holde mødet?
Er det din første jobsamtale, skal den være et fysisk møde.
1 I jobcentret
2 I telefonen
3 På video', '2026-12-06 14:00:17.658449+00');
INSERT INTO sms_messages VALUES (4, 'SMfix3', '17e7f4ecbc790a2d0e9a6a21b045951d87a3b09c0efa9be7293eb6cab15d244f', 'På hvilket sprog vil du holde mødet?
1 Dansk
2 Engelsk
3 Ukrainsk', '2026-12-06 14:00:17.663909+00');
INSERT INTO sms_messages VALUES (5, 'SMfix4', '17e7f4ecbc790a2d0e9a6a21b045951d87a3b09c0efa9be7293eb6cab15d244f', 'Vælg en tid. De første ledige tider står øverst.
1 tirsdag den 1. december 2026 kl. 12.00
2 tirsdag den 1. december 2026 kl. 12.30
3 tirsdag den 1. december 2026 kl. 13.00
4 tirsdag den 1. december 2026 kl. 13.30
5 tirsdag den 1. december 2026 kl. 14.00
6 Senere tider', '2026-12-06 14:00:17.743982+00');
INSERT INTO sms_messages VALUES (6, 'SMfix5', '17e7f4ecbc790a2d0e9a6a21b045951d87a3b09c0efa9be7293eb6cab15d244f', 'Hvad hedder du? Skriv dit fornavn og efternavn.', '2026-12-06 14:00:17.753836+00');
INSERT INTO sms_messages VALUES (7, 'SMfix6', '17e7f4ecbc790a2d0e9a6a21b045951d87a3b09c0efa9be7293eb6cab15d244f', 'Hvad er dit telefonnummer? Skriv 8 cifre.', '2026-12-06 14:00:17.767476+00');
INSERT INTO sms_messages VALUES (8, 'SMfix7', '17e7f4ecbc790a2d0e9a6a21b045951d87a3b09c0efa9be7293eb6cab15d244f', 'Er det rigtigt?
- Møde: Jobsamtale
- Hvordan: I jobcentret
- Sprog: Dansk
- Tid: tirsdag den 1. december 2026 kl. 12.00
- Navn: Ole Hansen
- Telefon: +45 22 33 44 55
1 Ja, det er rigtigt
2 Ret: Møde
3 Ret: Hvordan
4 Ret: Sprog
5 Ret: Tid
6 Ret: Navn
7 Ret: Telefon', '2026-12-06 14:00:17.772171+00');
INSERT INTO sms_messages VALUES (9, 'SMfix8', '17e7f4ecbc790a2d0e9a6a21b045951d87a3b09c0efa9be7293eb6cab15d244f', 'Dit møde er booket.
Kode: 7YVCQR
Tid: tirsdag den 1. december 2026 kl. 12.00
Møde: Jobsamtale
Hvordan: I jobcentret
Vis eller skriv din kode, når du kommer.
Skriv "menu" for at se alt, hvad jeg kan hjælpe med.', '2026-12-06 14:00:17.779343+00');
INSERT INTO sms_messages VALUES (10, 'SMlong', 'd26a507a5f49cb7ae877c616a6c2b537917e9f0572726773c75d8e9b5c27d2a7', 'Ви будь-коли можете написати ці слова: "назад" (попереднє запитання), "почати знову", "меню", "мова", "працівник" (поговорити з людиною), "допомога".
Надішліть ЩЕ, щоб отримати решту.', '2026-12-06 14:00:17.87848+00');
INSERT INTO sms_messages VALUES (11, 'SMstop', '7a8578d10a2e6f9f86cd0b2e4202ea31b3669887c9da5ace6f1fdbbf367664fa', '', '2026-12-06 14:00:17.903587+00');

INSERT INTO staff VALUES (1, 'DA1', 'Demo medarbejder A', 'da,en', 'first_meeting,job_meeting,upskilling', NULL, true);
INSERT INTO staff VALUES (2, 'DA2', 'Demo medarbejder B', 'da', 'sickness_followup,job_meeting', NULL, true);
INSERT INTO staff VALUES (3, 'UK1', 'Demo medarbejder C', 'da,uk,en', 'special_law_intake,first_meeting,job_meeting', NULL, true);
INSERT INTO staff VALUES (4, 'DA3', 'Demo medarbejder D', 'da,en', 'adult_apprenticeship,upskilling,repatriation', NULL, true);
INSERT INTO staff VALUES (5, 'FX', 'Fixture Person', 'da,uk', 'first_meeting', 'scrypt$ddBLh7jwoa1WW2nXaWhX+g==$j46Rmp+5fjRFOu/Qj1BXljZ9tFLvQMSOT40/iQQsC3U=', true);

INSERT INTO turns VALUES (1, '863092dc52c443e78ed9b117e2108d97', 1, 'en', '5', '[{"type":"say","tone":"notice","text":{"da":"Voksenlærling","en":"Adult apprenticeship","uk":"Навчання дорослих (voksenlærling)"}},{"type":"say","tone":"prompt","text":{"da":"Hvor gammel er du? Skriv den alder, du har, når uddannelsen starter.","en":"How old are you? Write the age you will be when the training starts.","uk":"Скільки вам років? Напишіть, скільки вам буде на початок навчання."}}]', '2026-12-06 14:00:17.478459+00');
INSERT INTO turns VALUES (2, '863092dc52c443e78ed9b117e2108d97', 2, 'en', '30', '[{"type":"say","tone":"prompt","text":{"da":"Hvad passer bedst på dig nu?","en":"What fits you best right now?","uk":"Що зараз найкраще описує вашу ситуацію?"}},{"type":"choices","multi":false,"options":[{"key":"1","value":"employed","label":{"da":"Jeg har et job","en":"I have a job","uk":"Я працюю"}},{"key":"2","value":"unemployed","label":{"da":"Jeg er ledig","en":"I am unemployed","uk":"Я безробітний(-на)"}}]}]', '2026-12-06 14:00:17.487969+00');
INSERT INTO turns VALUES (3, '863092dc52c443e78ed9b117e2108d97', 3, 'en', '2', '[{"type":"say","tone":"prompt","text":{"da":"Hvilken uddannelse har du?","en":"What education do you have?","uk":"Яка у вас освіта?"}},{"type":"choices","multi":false,"options":[{"key":"1","value":"unskilled","label":{"da":"Ingen erhvervsuddannelse (ufaglært)","en":"No vocational education (unskilled)","uk":"Немає професійної освіти (некваліфікований працівник)"}},{"key":"2","value":"outdated","label":{"da":"Faglært, men jeg har ikke brugt uddannelsen de sidste 5 år","en":"Skilled, but I have not used my education in the last 5 years","uk":"Кваліфікований, але не працював(-ла) за фахом останні 5 років"}},{"key":"3","value":"skilled","label":{"da":"Faglært, og jeg bruger min uddannelse","en":"Skilled, and I use my education","uk":"Кваліфікований, і працюю за фахом"}}]}]', '2026-12-06 14:00:17.506792+00');
INSERT INTO turns VALUES (4, '863092dc52c443e78ed9b117e2108d97', 4, 'en', 'save', '[{"type":"say","tone":"notice","text":{"da":"Dine svar er gemt. Din kode er 27WGZY. Skriv: fortsæt 27WGZY på en skærm i jobcentret, i en SMS eller på hjemmesiden for at fortsætte. Koden virker én gang og i 7 dage.","en":"Your answers are saved. Your code is 27WGZY. To continue on any kiosk, by SMS or on the web page, write: resume 27WGZY. The code works once and for 7 days.","uk":"Ваші відповіді збережено. Ваш код 27WGZY. Щоб продовжити на будь-якому кіоску, через SMS або на сайті, напишіть: продовжити 27WGZY. Код діє один раз і протягом 7 днів."}},{"type":"say","tone":"notice","text":{"da":"Voksenlærling","en":"Adult apprenticeship","uk":"Навчання дорослих (voksenlærling)"}},{"type":"say","tone":"prompt","text":{"da":"Hvilken uddannelse har du?","en":"What education do you have?","uk":"Яка у вас освіта?"}},{"type":"choices","multi":false,"options":[{"key":"1","value":"unskilled","label":{"da":"Ingen erhvervsuddannelse (ufaglært)","en":"No vocational education (unskilled)","uk":"Немає професійної освіти (некваліфікований працівник)"}},{"key":"2","value":"outdated","label":{"da":"Faglært, men jeg har ikke brugt uddannelsen de sidste 5 år","en":"Skilled, but I have not used my education in the last 5 years","uk":"Кваліфікований, але не працював(-ла) за фахом останні 5 років"}},{"key":"3","value":"skilled","label":{"da":"Faglært, og jeg bruger min uddannelse","en":"Skilled, and I use my education","uk":"Кваліфікований, і працюю за фахом"}}]}]', '2026-12-06 14:00:17.539557+00');
INSERT INTO turns VALUES (5, '863092dc52c443e78ed9b117e2108d97', 5, 'en', 'menu', '[{"type":"say","tone":"prompt","text":{"da":"Hvad vil du gerne? Vælg et nummer, eller skriv dit spørgsmål.","en":"What would you like to do? Choose a number, or write your question.","uk":"Що ви хочете зробити? Оберіть номер або напишіть своє запитання."}},{"type":"choices","multi":false,"options":[{"key":"1","value":"book","label":{"da":"Book et møde","en":"Book a meeting","uk":"Записатися на зустріч"}},{"key":"2","value":"checkin","label":{"da":"Tjek ind til et møde","en":"Check in for a meeting","uk":"Зареєструватися на зустріч"}},{"key":"3","value":"manage","label":{"da":"Flyt eller aflys et møde","en":"Change or cancel a booking","uk":"Змінити або скасувати зустріч"}},{"key":"4","value":"et_trin_op","label":{"da":"Ét trin op - uddannelse og opkvalificering","en":"One step up - education and upskilling","uk":"Крок угору - навчання та підвищення кваліфікації"}},{"key":"5","value":"voksenlaerling","label":{"da":"Voksenlærling","en":"Adult apprenticeship","uk":"Навчання дорослих (voksenlærling)"}},{"key":"6","value":"repatriation","label":{"da":"Repatriering - at flytte tilbage","en":"Repatriation - moving back","uk":"Репатріація - повернення"}},{"key":"7","value":"saerlov","label":{"da":"Ukrainere - særloven","en":"Ukrainians - the special law","uk":"Українці - спеціальний закон"}},{"key":"8","value":"ask","label":{"da":"Stil et spørgsmål","en":"Ask a question","uk":"Поставити запитання"}},{"key":"9","value":"staff","label":{"da":"Tal med en medarbejder","en":"Talk to staff","uk":"Поговорити з працівником"}}]}]', '2026-12-06 14:00:17.546512+00');
INSERT INTO turns VALUES (6, '863092dc52c443e78ed9b117e2108d97', 6, 'en', 'staff', '[{"type":"say","tone":"notice","text":{"da":"Tal med en medarbejder","en":"Talk to staff","uk":"Поговорити з працівником"}},{"type":"say","tone":"prompt","text":{"da":"Hvordan vil du have hjælp?","en":"How would you like help?","uk":"Як вам зручніше отримати допомогу?"}},{"type":"choices","multi":false,"options":[{"key":"1","value":"desk","label":{"da":"Jeg er i jobcentret nu. En medarbejder skal komme til mig.","en":"I am at the jobcenter now. A member of staff should come to me.","uk":"Я зараз у центрі зайнятості. Нехай працівник підійде до мене."}},{"key":"2","value":"callback","label":{"da":"Ring mig op senere.","en":"Call me back later.","uk":"Зателефонуйте мені пізніше."}}]}]', '2026-12-06 14:00:17.550743+00');
INSERT INTO turns VALUES (7, '863092dc52c443e78ed9b117e2108d97', 7, 'en', '2', '[{"type":"say","tone":"prompt","text":{"da":"Hvad hedder du? Skriv dit fornavn og efternavn.","en":"What is your name? Write your first name and last name.","uk":"Як вас звати? Напишіть ім''я та прізвище."}}]', '2026-12-06 14:00:17.554846+00');
INSERT INTO turns VALUES (8, '863092dc52c443e78ed9b117e2108d97', 8, 'en', 'Anna Jensen', '[{"type":"say","tone":"prompt","text":{"da":"Hvilket telefonnummer skal vi ringe til? Skriv 8 cifre.","en":"Which phone number should we call? Write 8 digits.","uk":"На який номер телефону нам дзвонити? Напишіть 8 цифр."}}]', '2026-12-06 14:00:17.558753+00');
INSERT INTO turns VALUES (9, '863092dc52c443e78ed9b117e2108d97', 9, 'en', '22334455', '[{"type":"say","tone":"prompt","text":{"da":"Hvad drejer det sig om?","en":"What is it about?","uk":"Про що йдеться?"}},{"type":"choices","multi":false,"options":[{"key":"1","value":"meeting","label":{"da":"Et møde","en":"A meeting","uk":"Зустріч"}},{"key":"2","value":"benefits","label":{"da":"Ydelser og penge","en":"Benefits and money","uk":"Виплати та гроші"}},{"key":"3","value":"education","label":{"da":"Uddannelse og job","en":"Education and work","uk":"Навчання та робота"}},{"key":"4","value":"other","label":{"da":"Noget andet","en":"Something else","uk":"Інше"}}]}]', '2026-12-06 14:00:17.564052+00');
INSERT INTO turns VALUES (10, '863092dc52c443e78ed9b117e2108d97', 10, 'en', '1', '[{"type":"say","tone":"prompt","text":{"da":"Er det rigtigt?","en":"Is this right?","uk":"Усе правильно?"}},{"type":"say","tone":"info","text":{"da":"- Hvordan vil du have hjælp?: Ring mig op senere.\n- Navn: Anna Jensen\n- Telefon: +45 22 33 44 55\n- Emne: Et møde","en":"- How would you like help?: Call me back later.\n- Name: Anna Jensen\n- Phone: +45 22 33 44 55\n- Topic: A meeting","uk":"- Як вам зручніше отримати допомогу?: Зателефонуйте мені пізніше.\n- Ім''я: Anna Jensen\n- Телефон: +45 22 33 44 55\n- Тема: Зустріч"}},{"type":"choices","multi":false,"options":[{"key":"1","value":"confirm","label":{"da":"Ja, det er rigtigt","en":"Yes, this is right","uk":"Так, усе правильно"}},{"key":"2","value":"change:how","label":{"da":"Ret: Hvordan vil du have hjælp?","en":"Change: How would you like help?","uk":"Змінити: Як вам зручніше отримати допомогу?"}},{"key":"3","value":"change:name","label":{"da":"Ret: Navn","en":"Change: Name","uk":"Змінити: Ім''я"}},{"key":"4","value":"change:phone","label":{"da":"Ret: Telefon","en":"Change: Phone","uk":"Змінити: Телефон"}},{"key":"5","value":"change:topic","label":{"da":"Ret: Emne","en":"Change: Topic","uk":"Змінити: Тема"}}]}]', '2026-12-06 14:00:17.571099+00');
INSERT INTO turns VALUES (11, '863092dc52c443e78ed9b117e2108d97', 11, 'en', '1', '[{"type":"say","tone":"notice","text":{"da":"Tak. En medarbejder ringer dig op.","en":"Thank you. A member of staff will call you back.","uk":"Дякуємо. Працівник вам зателефонує."}},{"type":"say","tone":"info","text":{"da":"Skriv \"menu\" for at se alt, hvad jeg kan hjælpe med.","en":"Write \"menu\" to see everything I can help with.","uk":"Напишіть «меню», щоб побачити все, з чим я можу допомогти."}}]', '2026-12-06 14:00:17.614614+00');
INSERT INTO turns VALUES (12, '648ea88ee57043c1a227e143ff8fce05', 1, 'da', 'menu', '[{"type":"say","tone":"prompt","text":{"da":"Hvad vil du gerne? Vælg et nummer, eller skriv dit spørgsmål.","en":"What would you like to do? Choose a number, or write your question.","uk":"Що ви хочете зробити? Оберіть номер або напишіть своє запитання."}},{"type":"choices","multi":false,"options":[{"key":"1","value":"book","label":{"da":"Book et møde","en":"Book a meeting","uk":"Записатися на зустріч"}},{"key":"2","value":"checkin","label":{"da":"Tjek ind til et møde","en":"Check in for a meeting","uk":"Зареєструватися на зустріч"}},{"key":"3","value":"manage","label":{"da":"Flyt eller aflys et møde","en":"Change or cancel a booking","uk":"Змінити або скасувати зустріч"}},{"key":"4","value":"et_trin_op","label":{"da":"Ét trin op - uddannelse og opkvalificering","en":"One step up - education and upskilling","uk":"Крок угору - навчання та підвищення кваліфікації"}},{"key":"5","value":"voksenlaerling","label":{"da":"Voksenlærling","en":"Adult apprenticeship","uk":"Навчання дорослих (voksenlærling)"}},{"key":"6","value":"repatriation","label":{"da":"Repatriering - at flytte tilbage","en":"Repatriation - moving back","uk":"Репатріація - повернення"}},{"key":"7","value":"saerlov","label":{"da":"Ukrainere - særloven","en":"Ukrainians - the special law","uk":"Українці - спеціальний закон"}},{"key":"8","value":"ask","label":{"da":"Stil et spørgsmål","en":"Ask a question","uk":"Поставити запитання"}},{"key":"9","value":"staff","label":{"da":"Tal med en medarbejder","en":"Talk to staff","uk":"Поговорити з працівником"}}]}]', '2026-12-06 14:00:17.638979+00');
INSERT INTO turns VALUES (13, '648ea88ee57043c1a227e143ff8fce05', 2, 'da', '1', '[{"type":"say","tone":"notice","text":{"da":"Book et møde","en":"Book a meeting","uk":"Записатися на зустріч"}},{"type":"say","tone":"prompt","text":{"da":"Hvilket slags møde har du brug for?","en":"What kind of meeting do you need?","uk":"Яка зустріч вам потрібна?"}},{"type":"choices","multi":false,"options":[{"key":"1","value":"first_meeting","label":{"da":"Første møde","en":"First meeting","uk":"Перша зустріч"}},{"key":"2","value":"job_meeting","label":{"da":"Jobsamtale","en":"Job meeting","uk":"Розмова про роботу (jobsamtale)"}},{"key":"3","value":"sickness_followup","label":{"da":"Opfølgning på sygdom","en":"Sickness follow-up","uk":"Супровід під час хвороби"}},{"key":"4","value":"upskilling","label":{"da":"Vejledning om uddannelse","en":"Guidance on education","uk":"Консультація щодо навчання"}},{"key":"5","value":"adult_apprenticeship","label":{"da":"Voksenlærling","en":"Adult apprenticeship","uk":"Навчання дорослих (voksenlærling)"}},{"key":"6","value":"repatriation","label":{"da":"Vejledning om repatriering","en":"Guidance on repatriation","uk":"Консультація щодо репатріації"}},{"key":"7","value":"special_law_intake","label":{"da":"Særloven (Ukraine)","en":"Special law (Ukraine)","uk":"Спеціальний закон (Україна)"}}]}]', '2026-12-06 14:00:17.644154+00');
INSERT INTO turns VALUES (14, '648ea88ee57043c1a227e143ff8fce05', 3, 'da', '2', '[{"type":"say","tone":"prompt","text":{"da":"Hvordan vil du holde mødet?","en":"How would you like to meet?","uk":"Як ви хочете провести зустріч?"}},{"type":"say","tone":"info","text":{"da":"Er det din første jobsamtale, skal den være et fysisk møde.","en":"If this is your first job meeting, it must be in person.","uk":"Якщо це ваша перша розмова про роботу (jobsamtale), вона має відбутися особисто."}},{"type":"choices","multi":false,"options":[{"key":"1","value":"in_person","label":{"da":"I jobcentret","en":"At the jobcenter","uk":"У центрі зайнятості"}},{"key":"2","value":"phone","label":{"da":"I telefonen","en":"By phone","uk":"Телефоном"}},{"key":"3","value":"video","label":{"da":"På video","en":"By video","uk":"Відеозв''язком"}}]}]', '2026-12-06 14:00:17.658494+00');
INSERT INTO turns VALUES (15, '648ea88ee57043c1a227e143ff8fce05', 4, 'da', '1', '[{"type":"say","tone":"prompt","text":{"da":"På hvilket sprog vil du holde mødet?","en":"In which language would you like the meeting?","uk":"Якою мовою ви хочете провести зустріч?"}},{"type":"choices","multi":false,"options":[{"key":"1","value":"da","label":{"da":"Dansk","en":"Danish","uk":"Данська"}},{"key":"2","value":"en","label":{"da":"Engelsk","en":"English","uk":"Англійська"}},{"key":"3","value":"uk","label":{"da":"Ukrainsk","en":"Ukrainian","uk":"Українська"}}]}]', '2026-12-06 14:00:17.663932+00');
INSERT INTO turns VALUES (16, '648ea88ee57043c1a227e143ff8fce05', 5, 'da', '1', '[{"type":"say","tone":"prompt","text":{"da":"Vælg en tid. De første ledige tider står øverst.","en":"Choose a time. The first free times are at the top.","uk":"Оберіть час. Найближчий вільний час угорі."}},{"type":"choices","multi":false,"options":[{"key":"1","value":"2026-12-01T11:00:00+00:00|1|","label":{"da":"tirsdag den 1. december 2026 kl. 12.00","en":"Tuesday, 1 December 2026 at 12:00","uk":"вівторок, 1 грудня 2026 р. о 12:00"}},{"key":"2","value":"2026-12-01T11:30:00+00:00|1|","label":{"da":"tirsdag den 1. december 2026 kl. 12.30","en":"Tuesday, 1 December 2026 at 12:30","uk":"вівторок, 1 грудня 2026 р. о 12:30"}},{"key":"3","value":"2026-12-01T12:00:00+00:00|1|","label":{"da":"tirsdag den 1. december 2026 kl. 13.00","en":"Tuesday, 1 December 2026 at 13:00","uk":"вівторок, 1 грудня 2026 р. о 13:00"}},{"key":"4","value":"2026-12-01T12:30:00+00:00|1|","label":{"da":"tirsdag den 1. december 2026 kl. 13.30","en":"Tuesday, 1 December 2026 at 13:30","uk":"вівторок, 1 грудня 2026 р. о 13:30"}},{"key":"5","value":"2026-12-01T13:00:00+00:00|1|","label":{"da":"tirsdag den 1. december 2026 kl. 14.00","en":"Tuesday, 1 December 2026 at 14:00","uk":"вівторок, 1 грудня 2026 р. о 14:00"}},{"key":"6","value":"more","label":{"da":"Senere tider","en":"Later times","uk":"Пізніший час"}}]}]', '2026-12-06 14:00:17.744026+00');
INSERT INTO turns VALUES (17, '648ea88ee57043c1a227e143ff8fce05', 6, 'da', '1', '[{"type":"say","tone":"prompt","text":{"da":"Hvad hedder du? Skriv dit fornavn og efternavn.","en":"What is your name? Write your first name and last name.","uk":"Як вас звати? Напишіть ім''я та прізвище."}}]', '2026-12-06 14:00:17.753859+00');
INSERT INTO turns VALUES (18, '648ea88ee57043c1a227e143ff8fce05', 7, 'da', 'Ole Hansen', '[{"type":"say","tone":"prompt","text":{"da":"Hvad er dit telefonnummer? Skriv 8 cifre.","en":"What is your phone number? Write 8 digits.","uk":"Який ваш номер телефону? Напишіть 8 цифр."}}]', '2026-12-06 14:00:17.767502+00');
INSERT INTO turns VALUES (19, '648ea88ee57043c1a227e143ff8fce05', 8, 'da', '22334455', '[{"type":"say","tone":"prompt","text":{"da":"Er det rigtigt?","en":"Is this right?","uk":"Усе правильно?"}},{"type":"say","tone":"info","text":{"da":"- Møde: Jobsamtale\n- Hvordan: I jobcentret\n- Sprog: Dansk\n- Tid: tirsdag den 1. december 2026 kl. 12.00\n- Navn: Ole Hansen\n- Telefon: +45 22 33 44 55","en":"- Meeting: Job meeting\n- How: At the jobcenter\n- Language: Danish\n- Time: Tuesday, 1 December 2026 at 12:00\n- Name: Ole Hansen\n- Phone: +45 22 33 44 55","uk":"- Зустріч: Розмова про роботу (jobsamtale)\n- Як: У центрі зайнятості\n- Мова: Данська\n- Час: вівторок, 1 грудня 2026 р. о 12:00\n- Ім''я: Ole Hansen\n- Телефон: +45 22 33 44 55"}},{"type":"choices","multi":false,"options":[{"key":"1","value":"confirm","label":{"da":"Ja, det er rigtigt","en":"Yes, this is right","uk":"Так, усе правильно"}},{"key":"2","value":"change:meeting_type","label":{"da":"Ret: Møde","en":"Change: Meeting","uk":"Змінити: Зустріч"}},{"key":"3","value":"change:channel","label":{"da":"Ret: Hvordan","en":"Change: How","uk":"Змінити: Як"}},{"key":"4","value":"change:language","label":{"da":"Ret: Sprog","en":"Change: Language","uk":"Змінити: Мова"}},{"key":"5","value":"change:slot","label":{"da":"Ret: Tid","en":"Change: Time","uk":"Змінити: Час"}},{"key":"6","value":"change:name","label":{"da":"Ret: Navn","en":"Change: Name","uk":"Змінити: Ім''я"}},{"key":"7","value":"change:phone","label":{"da":"Ret: Telefon","en":"Change: Phone","uk":"Змінити: Телефон"}}]}]', '2026-12-06 14:00:17.772206+00');
INSERT INTO turns VALUES (20, '648ea88ee57043c1a227e143ff8fce05', 9, 'da', '1', '[{"type":"say","tone":"notice","text":{"da":"Dit møde er booket.\nKode: 7YVCQR\nTid: tirsdag den 1. december 2026 kl. 12.00\nMøde: Jobsamtale\nHvordan: I jobcentret\nVis eller skriv din kode, når du kommer.","en":"Your meeting is booked.\nCode: 7YVCQR\nTime: Tuesday, 1 December 2026 at 12:00\nMeeting: Job meeting\nHow: At the jobcenter\nShow or write your code when you arrive.","uk":"Вашу зустріч заброньовано.\nКод: 7YVCQR\nЧас: вівторок, 1 грудня 2026 р. о 12:00\nЗустріч: Розмова про роботу (jobsamtale)\nЯк: У центрі зайнятості\nПокажіть або напишіть свій код, коли прийдете."}},{"type":"say","tone":"info","text":{"da":"Skriv \"menu\" for at se alt, hvad jeg kan hjælpe med.","en":"Write \"menu\" to see everything I can help with.","uk":"Напишіть «меню», щоб побачити все, з чим я можу допомогти."}}]', '2026-12-06 14:00:17.862739+00');
INSERT INTO turns VALUES (21, 'de8171c674f449c7851604e93376df2c', 1, 'uk', 'ДОПОМОГА', '[{"type":"say","tone":"info","text":{"da":"Du kan altid skrive disse ord: \"tilbage\" (forrige spørgsmål), \"forfra\", \"menu\", \"sprog\", \"medarbejder\" (tal med et menneske), \"hjælp\".","en":"You can write these words at any time: \"back\" (previous question), \"start over\", \"menu\", \"language\", \"staff\" (talk to a person), \"help\".","uk":"Ви будь-коли можете написати ці слова: «назад» (попереднє запитання), «почати знову», «меню», «мова», «працівник» (поговорити з людиною), «допомога»."}},{"type":"say","tone":"prompt","text":{"da":"Hvad vil du gerne? Vælg et nummer, eller skriv dit spørgsmål.","en":"What would you like to do? Choose a number, or write your question.","uk":"Що ви хочете зробити? Оберіть номер або напишіть своє запитання."}},{"type":"choices","multi":false,"options":[{"key":"1","value":"book","label":{"da":"Book et møde","en":"Book a meeting","uk":"Записатися на зустріч"}},{"key":"2","value":"checkin","label":{"da":"Tjek ind til et møde","en":"Check in for a meeting","uk":"Зареєструватися на зустріч"}},{"key":"3","value":"manage","label":{"da":"Flyt eller aflys et møde","en":"Change or cancel a booking","uk":"Змінити або скасувати зустріч"}},{"key":"4","value":"et_trin_op","label":{"da":"Ét trin op - uddannelse og opkvalificering","en":"One step up - education and upskilling","uk":"Крок угору - навчання та підвищення кваліфікації"}},{"key":"5","value":"voksenlaerling","label":{"da":"Voksenlærling","en":"Adult apprenticeship","uk":"Навчання дорослих (voksenlærling)"}},{"key":"6","value":"repatriation","label":{"da":"Repatriering - at flytte tilbage","en":"Repatriation - moving back","uk":"Репатріація - повернення"}},{"key":"7","value":"saerlov","label":{"da":"Ukrainere - særloven","en":"Ukrainians - the special law","uk":"Українці - спеціальний закон"}},{"key":"8","value":"ask","label":{"da":"Stil et spørgsmål","en":"Ask a question","uk":"Поставити запитання"}},{"key":"9","value":"staff","label":{"da":"Tal med en medarbejder","en":"Talk to staff","uk":"Поговорити з працівником"}}]}]', '2026-12-06 14:00:17.898929+00');

SELECT pg_catalog.setval('audit_log_id_seq', 3, true);

SELECT pg_catalog.setval('booking_cells_id_seq', 2, true);

SELECT pg_catalog.setval('bookings_id_seq', 1, true);

SELECT pg_catalog.setval('callback_requests_id_seq', 1, true);

SELECT pg_catalog.setval('flow_stats_id_seq', 7, true);

SELECT pg_catalog.setval('interpreters_id_seq', 1, true);

SELECT pg_catalog.setval('login_attempts_id_seq', 1, true);

SELECT pg_catalog.setval('opening_hours_id_seq', 5, true);

SELECT pg_catalog.setval('outbox_id_seq', 1, true);

SELECT pg_catalog.setval('resume_codes_id_seq', 1, true);

SELECT pg_catalog.setval('sms_messages_id_seq', 11, true);

SELECT pg_catalog.setval('staff_id_seq', 5, true);

SELECT pg_catalog.setval('turns_id_seq', 21, true);

ALTER TABLE ONLY audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);

ALTER TABLE ONLY booking_cells
    ADD CONSTRAINT booking_cells_pkey PRIMARY KEY (id);

ALTER TABLE ONLY bookings
    ADD CONSTRAINT bookings_pkey PRIMARY KEY (id);

ALTER TABLE ONLY callback_requests
    ADD CONSTRAINT callback_requests_pkey PRIMARY KEY (id);

ALTER TABLE ONLY closed_days
    ADD CONSTRAINT closed_days_pkey PRIMARY KEY (day);

ALTER TABLE ONLY flow_stats
    ADD CONSTRAINT flow_stats_pkey PRIMARY KEY (id);

ALTER TABLE ONLY interpreters
    ADD CONSTRAINT interpreters_pkey PRIMARY KEY (id);

ALTER TABLE ONLY login_attempts
    ADD CONSTRAINT login_attempts_pkey PRIMARY KEY (id);

ALTER TABLE ONLY meeting_types
    ADD CONSTRAINT meeting_types_pkey PRIMARY KEY (code);

ALTER TABLE ONLY opening_hours
    ADD CONSTRAINT opening_hours_pkey PRIMARY KEY (id);

ALTER TABLE ONLY outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);

ALTER TABLE ONLY resume_codes
    ADD CONSTRAINT resume_codes_pkey PRIMARY KEY (id);

ALTER TABLE ONLY sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY sms_contacts
    ADD CONSTRAINT sms_contacts_pkey PRIMARY KEY (phone_hash);

ALTER TABLE ONLY sms_messages
    ADD CONSTRAINT sms_messages_pkey PRIMARY KEY (id);

ALTER TABLE ONLY staff
    ADD CONSTRAINT staff_initials_key UNIQUE (initials);

ALTER TABLE ONLY staff
    ADD CONSTRAINT staff_pkey PRIMARY KEY (id);

ALTER TABLE ONLY turns
    ADD CONSTRAINT turns_pkey PRIMARY KEY (id);

ALTER TABLE ONLY bookings
    ADD CONSTRAINT uq_booking_active UNIQUE (active_key);

ALTER TABLE ONLY bookings
    ADD CONSTRAINT uq_booking_code UNIQUE (code);

ALTER TABLE ONLY booking_cells
    ADD CONSTRAINT uq_cell UNIQUE (resource, cell);

ALTER TABLE ONLY flow_stats
    ADD CONSTRAINT uq_flow_stat UNIQUE (day, flow_id, event, step_id);

ALTER TABLE ONLY opening_hours
    ADD CONSTRAINT uq_opening_weekday UNIQUE (weekday);

ALTER TABLE ONLY resume_codes
    ADD CONSTRAINT uq_resume_code UNIQUE (code);

ALTER TABLE ONLY sms_messages
    ADD CONSTRAINT uq_sms_sid UNIQUE (sid);

ALTER TABLE ONLY turns
    ADD CONSTRAINT uq_turn_seq UNIQUE (session_id, seq);

CREATE INDEX ix_audit_log_at ON audit_log USING btree (at);

CREATE INDEX ix_booking_cells_booking_id ON booking_cells USING btree (booking_id);

CREATE INDEX ix_bookings_phone ON bookings USING btree (phone);

CREATE INDEX ix_bookings_start ON bookings USING btree (start);

CREATE INDEX ix_interpreters_language ON interpreters USING btree (language);

CREATE INDEX ix_login_attempts_initials ON login_attempts USING btree (initials);

CREATE INDEX ix_outbox_due_at ON outbox USING btree (due_at);

CREATE UNIQUE INDEX ix_sessions_key ON sessions USING btree (key);

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

ALTER TABLE ONLY booking_cells
    ADD CONSTRAINT booking_cells_booking_id_fkey FOREIGN KEY (booking_id) REFERENCES bookings(id);

ALTER TABLE ONLY bookings
    ADD CONSTRAINT bookings_interpreter_id_fkey FOREIGN KEY (interpreter_id) REFERENCES interpreters(id);

ALTER TABLE ONLY bookings
    ADD CONSTRAINT bookings_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff(id);

ALTER TABLE ONLY outbox
    ADD CONSTRAINT outbox_booking_id_fkey FOREIGN KEY (booking_id) REFERENCES bookings(id);

ALTER TABLE ONLY turns
    ADD CONSTRAINT turns_session_id_fkey FOREIGN KEY (session_id) REFERENCES sessions(id);
