import { lazy, Suspense, type ComponentType } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Loading } from '../ui/feedback';
import { Home, NotFound, RequireSignIn } from './guards';

/** Each screen is its own chunk, loaded when first visited. */
const Layout = lazy(() => import('./Layout'));

const page = (load: () => Promise<{ default: ComponentType }>) => {
  const C = lazy(load);
  return (
    <Suspense fallback={<Loading />}>
      <C />
    </Suspense>
  );
};

export const router = createBrowserRouter([
  { path: '/sign-in', element: page(() => import('../auth/SignIn')) },
  { path: '/forgot-password', element: page(() => import('../auth/ForgotPassword')) },
  { path: '/reset-password', element: page(() => import('../auth/ResetPassword')) },
  { path: '/approve/:token', element: page(() => import('../changes/ApprovalLinkPage')) },
  { path: '/enrol', element: <RequireSignIn>{page(() => import('../auth/Enrol'))}</RequireSignIn> },
  {
    element: (
      <RequireSignIn>
        <Suspense fallback={<Loading />}>
          <Layout />
        </Suspense>
      </RequireSignIn>
    ),
    children: [
      { path: '/', element: <Home /> },
      { path: '/profile', element: page(() => import('../auth/Profile')) },
      { path: '/requests', element: page(() => import('../portal/Requests')) },
      { path: '/requests/new', element: page(() => import('../portal/NewRequest')) },
      { path: '/catalog', element: page(() => import('../catalog/CatalogPage')) },
      { path: '/catalog/orders', element: page(() => import('../catalog/Orders')) },
      { path: '/catalog/:id', element: page(() => import('../catalog/OrderPage')) },
      { path: '/approvals', element: page(() => import('../changes/Approvals')) },
      { path: '/changes/calendar', element: page(() => import('../changes/ChangeCalendar')) },
      { path: '/requests/company', element: page(() => import('../portal/Requests')) },
      { path: '/changes/new', element: page(() => import('../changes/NewChange')) },
      { path: '/tickets/:ref', element: page(() => import('../tickets/TicketPage')) },
      { path: '/queues', element: <Navigate to="/queues/mine" replace /> },
      { path: '/queues/:queue', element: page(() => import('../agent/Queues')) },
      { path: '/canned-replies', element: page(() => import('../workspace/CannedReplies')) },
      { path: '/macros', element: page(() => import('../workspace/Macros')) },
      { path: '/calls', element: page(() => import('../phone/Calls')) },
      { path: '/calls/:id', element: page(() => import('../phone/CallPage')) },
      { path: '/dashboard', element: page(() => import('../manager/Dashboard')) },
      { path: '/automation', element: page(() => import('../automation/Rules')) },
      { path: '/automation/:id', element: page(() => import('../automation/RuleEdit')) },
      {
        path: '/admin',
        element: page(() => import('../admin/AdminLayout')),
        children: [
          { index: true, element: <Navigate to="/admin/organizations" replace /> },
          { path: 'organizations', element: page(() => import('../admin/Organizations')) },
          { path: 'organizations/:id', element: page(() => import('../admin/OrganizationEdit')) },
          { path: 'plans', element: page(() => import('../admin/Plans')) },
          { path: 'plans/:id', element: page(() => import('../admin/PlanEdit')) },
          { path: 'calendars', element: page(() => import('../admin/Calendars')) },
          { path: 'calendars/:id', element: page(() => import('../admin/CalendarEdit')) },
          { path: 'categories', element: page(() => import('../admin/Categories')) },
          { path: 'catalog', element: page(() => import('../admin/CatalogAdmin')) },
          { path: 'catalog/:id', element: page(() => import('../admin/CatalogItemEdit')) },
          { path: 'import', element: page(() => import('../admin/Import')) },
          { path: 'people', element: page(() => import('../admin/People')) },
          { path: 'people/:id', element: page(() => import('../admin/PersonEdit')) },
          { path: 'groups', element: page(() => import('../admin/Groups')) },
          { path: 'sso', element: page(() => import('../admin/SsoSettings')) },
          { path: 'mailboxes', element: page(() => import('../admin/Mailboxes')) },
          { path: 'mailboxes/:id', element: page(() => import('../admin/Mailboxes').then((m) => ({ default: m.MailboxEdit }))) },
          { path: 'quarantine', element: page(() => import('../admin/Quarantine')) },
          { path: 'dead-letters', element: page(() => import('../admin/DeadLetters')) },
          { path: 'telephony', element: page(() => import('../admin/Telephony')) },
          { path: 'webhooks', element: page(() => import('../admin/Webhooks')) },
          { path: 'webhooks/:id', element: page(() => import('../admin/WebhookEdit')) },
          { path: 'sms-gateways', element: page(() => import('../admin/SmsGateways')) },
          { path: 'sms-messages', element: page(() => import('../admin/SmsMessages')) },
          { path: 'security', element: page(() => import('../admin/Security')) },
          { path: '*', element: <NotFound /> },
        ],
      },
      { path: '/timesheets', element: page(() => import('../timesheets/Timesheets')) },
      { path: '/rosters', element: page(() => import('../reports/Rosters')) },
      { path: '/kb', element: page(() => import('../kb/KbHome')) },
      { path: '/kb/new', element: page(() => import('../kb/KbEdit')) },
      { path: '/kb/:pageId', element: page(() => import('../kb/KbPageView')) },
      { path: '/kb/:pageId/edit', element: page(() => import('../kb/KbEdit')) },
      { path: '/kb/:pageId/history', element: page(() => import('../kb/KbHistory')) },
      { path: '/reports', element: page(() => import('../reports/Reports')) },
      { path: '/problems', element: page(() => import('../problems/ProblemList')) },
      { path: '/problems/:ref', element: page(() => import('../problems/ProblemPage')) },
      { path: '*', element: <NotFound /> },
    ],
  },
]);
