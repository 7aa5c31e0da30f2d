import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useSession } from './api/SessionContext';
import { TableSkeleton } from './components/common';
import { Layout } from './components/Layout';
import { homeFor } from './lib/access';
import { Alerts } from './pages/Alerts';
import { BlockedTraffic } from './pages/BlockedTraffic';
import { BulkBatch } from './pages/BulkBatch';
import { BulkSend } from './pages/BulkSend';
import { CustomerDetail } from './pages/CustomerDetail';
import { EditCustomer, NewCustomer } from './pages/CustomerForm';
import { CustomersList } from './pages/CustomersList';
import { Gateway } from './pages/Gateway';
import { InvoiceDetail } from './pages/InvoiceDetail';
import { Invoices } from './pages/Invoices';
import { Jobs } from './pages/Jobs';
import { MessageDetail } from './pages/MessageDetail';
import { MessagesList } from './pages/MessagesList';
import { MyCustomers } from './pages/MyCustomers';
import { NotFound } from './pages/NotFound';
import { CustomerNumbers, NumbersIndex } from './pages/Numbers';
import { Preview } from './pages/Preview';
import { RateCards } from './pages/RateCards';
import { ShortCodes } from './pages/ShortCodes';
import { Settings } from './pages/Settings';
import { SignIn } from './pages/SignIn';
import { UseCases } from './pages/UseCases';

// The charts (recharts) are most of the analytics page's weight: it loads on first visit.
const Analytics = lazy(() => import('./pages/Analytics').then((m) => ({ default: m.Analytics })));
const Revenue = lazy(() => import('./pages/Revenue').then((m) => ({ default: m.Revenue })));
const Forecasts = lazy(() => import('./pages/Forecasts').then((m) => ({ default: m.Forecasts })));
const MmsRatio = lazy(() => import('./pages/MmsRatio').then((m) => ({ default: m.MmsRatio })));

function RequireSession({ children }: { children: React.ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (!session) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return children;
}

function Home() {
  const { session } = useSession();
  return <Navigate to={session ? homeFor(session.role, session.customerId) : '/sign-in'} replace />;
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignIn />} />
      <Route
        element={
          <RequireSession>
            <Layout />
          </RequireSession>
        }
      >
        <Route index element={<Home />} />
        <Route path="customers" element={<CustomersList />} />
        <Route path="customers/new" element={<NewCustomer />} />
        <Route path="customers/:id" element={<CustomerDetail />} />
        <Route path="customers/:id/edit" element={<EditCustomer />} />
        <Route path="customers/:id/numbers" element={<CustomerNumbers />} />
        <Route path="numbers" element={<NumbersIndex />} />
        <Route path="messages" element={<MessagesList />} />
        <Route path="messages/:id" element={<MessageDetail />} />
        <Route
          path="analytics"
          element={
            <Suspense fallback={<TableSkeleton rows={8} label="Loading analytics" />}>
              <Analytics />
            </Suspense>
          }
        />
        <Route path="use-cases" element={<UseCases />} />
        <Route
          path="mms-ratio"
          element={
            <Suspense fallback={<TableSkeleton rows={8} label="Loading the ratio" />}>
              <MmsRatio />
            </Suspense>
          }
        />
        <Route path="invoices" element={<Invoices />} />
        <Route path="invoices/:id" element={<InvoiceDetail />} />
        <Route path="preview" element={<Preview />} />
        <Route path="short-codes" element={<ShortCodes />} />
        <Route path="blocked" element={<BlockedTraffic />} />
        <Route path="rate-cards" element={<RateCards />} />
        <Route
          path="forecasts"
          element={
            <Suspense fallback={<TableSkeleton rows={8} label="Loading forecasts" />}>
              <Forecasts />
            </Suspense>
          }
        />
        <Route
          path="revenue"
          element={
            <Suspense fallback={<TableSkeleton rows={8} label="Loading revenue" />}>
              <Revenue />
            </Suspense>
          }
        />
        <Route path="gateway" element={<Gateway />} />
        <Route path="alerts" element={<Alerts />} />
        <Route path="jobs" element={<Jobs />} />
        <Route path="bulk-send" element={<BulkSend />} />
        <Route path="bulk-send/:id" element={<BulkBatch />} />
        <Route path="my-customers" element={<MyCustomers />} />
        <Route path="settings" element={<Settings />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
