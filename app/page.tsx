import { Dashboard } from "./_components/dashboard/Dashboard";

export default function Home() {
  return <Dashboard />;
}
