-- What callers hear before leaving a voicemail on the number (issue 34); null: the default sentence.
alter table phone_number add column voicemail_greeting text;
