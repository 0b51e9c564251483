import { Badge, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get } from '../api/client';
import { useCategories, useOrganizations, usePlans } from '../api/queries';
import type { Person } from '../api/types';
import { ErrorAlert } from '../ui/feedback';
import { AddCategory, AddOrganization, AddPerson } from './forms';

/** Administration, as far as it goes today: organizations, plans, people and categories (list and add). */
export default function Admin() {
  const { t, i18n } = useTranslation();
  const orgs = useOrganizations();
  const plans = usePlans();
  const categories = useCategories();
  const people = useQuery({ queryKey: ['people'], queryFn: () => get<{ items: Person[] }>('/users?limit=500') });
  const planName = (id: string | null) => plans.data?.items.find((p) => p.id === id)?.name ?? '—';
  const orgName = (id: string | null) => (id ? (orgs.data?.items.find((o) => o.id === id)?.name ?? '') : '—');
  return (
    <Stack>
      <Title order={1}>{t('admin.title')}</Title>
      <ErrorAlert error={orgs.error ?? plans.error ?? people.error} />
      <Tabs defaultValue="organizations">
        <Tabs.List>
          <Tabs.Tab value="organizations">{t('admin.organizations')}</Tabs.Tab>
          <Tabs.Tab value="plans">{t('admin.plans')}</Tabs.Tab>
          <Tabs.Tab value="people">{t('admin.people')}</Tabs.Tab>
          <Tabs.Tab value="categories">{t('admin.categories')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="organizations" pt="md">
          <AddOrganization />
          <Table.ScrollContainer minWidth={600}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('ticket.organization')}</Table.Th>
                  <Table.Th scope="col">{t('ticket.plan')}</Table.Th>
                  <Table.Th scope="col">{t('admin.domains')}</Table.Th>
                  <Table.Th scope="col">{t('ticket.contract')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {orgs.data?.items.map((o) => (
                  <Table.Tr key={o.id}>
                    <Table.Td>{o.name}</Table.Td>
                    <Table.Td>{planName(o.planId)}</Table.Td>
                    <Table.Td>{o.domains.join(', ')}</Table.Td>
                    <Table.Td>
                      {o.contractStartsOn ?? '…'} – {o.contractEndsOn ?? '…'} {o.contractOptions.map((x) => <Badge key={x} size="xs" variant="outline" ml={4}>{x}</Badge>)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Tabs.Panel>
        <Tabs.Panel value="plans" pt="md">
          <Table.ScrollContainer minWidth={600}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('ticket.plan')}</Table.Th>
                  <Table.Th scope="col">{t('admin.coverage')}</Table.Th>
                  <Table.Th scope="col">{t('ticket.includedHours')}</Table.Th>
                  <Table.Th scope="col">{t('admin.channels')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {plans.data?.items.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      {p.name}
                      <Text size="xs" c="dimmed">
                        {p.description}
                      </Text>
                    </Table.Td>
                    <Table.Td>{t(`coverage.${p.coverage}`)}</Table.Td>
                    <Table.Td>{p.includedHours}</Table.Td>
                    <Table.Td>{p.channels.join(', ')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Tabs.Panel>
        <Tabs.Panel value="people" pt="md">
          <AddPerson />
          <Table.ScrollContainer minWidth={600}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('profile.name')}</Table.Th>
                  <Table.Th scope="col">{t('admin.email')}</Table.Th>
                  <Table.Th scope="col">{t('admin.role')}</Table.Th>
                  <Table.Th scope="col">{t('ticket.line')}</Table.Th>
                  <Table.Th scope="col">{t('ticket.organization')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {people.data?.items.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>{p.name}</Table.Td>
                    <Table.Td>{p.email}</Table.Td>
                    <Table.Td>{t(`role.${p.role}`)}</Table.Td>
                    <Table.Td>{p.line ?? '—'}</Table.Td>
                    <Table.Td>{orgName(p.organizationId)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Tabs.Panel>
        <Tabs.Panel value="categories" pt="md">
          <AddCategory />
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('ticket.category')}</Table.Th>
                <Table.Th scope="col">{t('admin.difficulty')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {categories.data?.items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{i18n.language === 'ru' && c.nameRu ? c.nameRu : c.name}</Table.Td>
                  <Table.Td>{c.difficulty}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
