"""Investment projects (招商项目) from lead to full production, and the working-day calendar their deadlines use."""
