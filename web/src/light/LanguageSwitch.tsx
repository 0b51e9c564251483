import { patch } from '../api/client';
import { switchLanguage, t, useLang, type Lang } from './strings';

/** EN | RU as two radio buttons; signed in, the choice is saved in the profile too. */
export function LanguageSwitch({ signedIn = false }: { signedIn?: boolean }) {
  const lang = useLang();
  const change = async (to: Lang) => {
    await switchLanguage(to);
    if (signedIn) await patch('/me', { locale: to }).catch(() => undefined);
  };
  return (
    <div className="lt-lang" role="radiogroup" aria-label={t('lang.label')}>
      {(['en', 'ru'] as const).map((l) => (
        <span key={l}>
          <input type="radio" id={`lt-lang-${l}`} name="lt-lang" value={l} checked={lang === l} onChange={() => void change(l)} />
          <label htmlFor={`lt-lang-${l}`}>{l.toUpperCase()}</label>
        </span>
      ))}
    </div>
  );
}
