import { Anchor, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { post } from '../api/client';
import { keys, useMe } from '../api/queries';
import { homeOf } from '../app/home';
import { Passkeys, TwoFactor } from './Security';

/** `/enrol`: staff whom the policy requires a second factor set one up before anything else. */
export default function Enrol() {
  const { t } = useTranslation();
  const me = useMe().data!;
  const qc = useQueryClient();
  const navigate = useNavigate();
  const done = async () => {
    await qc.invalidateQueries({ queryKey: keys.me });
    navigate(homeOf(me.role), { replace: true });
  };
  const signOut = async () => {
    await post('/auth/logout');
    qc.setQueryData(keys.me, null);
    navigate('/sign-in', { replace: true });
  };
  return (
    <Stack maw={640} mx="auto" p="md">
      <Text fw={700} size="xl" component="h1">
        {t('mfa.enrolTitle')}
      </Text>
      <Text>{t('mfa.enrolHelp')}</Text>
      <TwoFactor onEnrolled={() => void done()} />
      <Passkeys onAdded={() => void done()} />
      <Anchor component="button" type="button" onClick={() => void signOut()}>
        {t('mfa.signOut')}
      </Anchor>
    </Stack>
  );
}
